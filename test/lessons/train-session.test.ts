// @vitest-environment jsdom
import {beforeAll, describe, expect, it} from "vitest";
import {combinedState, trainControl} from "../../src/lessons/training/control.ts";
import {prepareTrainingData, toTrainingDataSettings, type TrainingData} from "../../src/lessons/training/data.ts";
import {liveTraining} from "../../src/lessons/training/live.ts";
import {
  TrainingSession,
  toSessionSettings,
  type SessionSpec,
  type Snapshot
} from "../../src/lessons/training/session.ts";
import {stopAll, workSnapshot} from "../../src/studio/work.ts";
import {EOS} from "../../src/tokenizers/llama2c.ts";
import {expectClose} from "../helpers/expect-close.ts";

/** Attention rows are float32 softmax weights: they sum to 1 within this. */
const ROW_SUM_ATOL = 1e-5;
const TINY_DATA = {trainStories: 60, valStories: 30, bpeStories: 30, vocabSize: 300, seqLen: 16, valWindows: 4};
const TINY: SessionSpec = {dim: 16, nLayers: 1, steps: 12, batchSize: 2, checkpoints: 3, peakLr: 1e-2};

let data: TrainingData;
beforeAll(async () => {
  data = await prepareTrainingData(TINY_DATA);
});

const paramsOf = (s: TrainingSession) => Array.from(s.trainer.model.params);

describe("prepareTrainingData(spec)", () => {
  it("prepareTrainingData(spec) encodes both splits with its own BPE and scores the bigram baseline", () => {
    expect(data.vocabSize).toBeLessThanOrEqual(TINY_DATA.vocabSize);
    expect(data.vocabSize).toBeGreaterThan(259); // some merges were learned
    expect(data.train.length).toBeGreaterThan(data.val.length); // 60 stories against 30
    expect(data.val.length).toBeGreaterThan(TINY_DATA.seqLen * TINY_DATA.valWindows);
    expect(data.pool.every((t) => t > EOS && t < data.vocabSize)).toBe(true);
    // counting pairs beats a uniform guess over the vocabulary
    expect(data.bigram.loss).toBeLessThan(Math.log(data.vocabSize));
    expect(data.example.length).toBeGreaterThan(20);
  });

  it("toTrainingDataSettings(spec) fills defaults and rejects bad values", () => {
    expect(toTrainingDataSettings()).toMatchObject({seed: 2024, vocabSize: 384, seqLen: 64});
    expect(() => toTrainingDataSettings({vocabSize: 100})).toThrow("invalid vocabSize: 100");
    expect(() => toTrainingDataSettings({trainStories: 10, bpeStories: 20})).toThrow("invalid bpeStories: 20");
    expect(() => toTrainingDataSettings({valWindows: 0})).toThrow("invalid valWindows: 0");
  });
});

describe("TrainingSession", () => {
  it("session.run() trains to the target, lowers the validation loss and records every checkpoint", async () => {
    const session = new TrainingSession(data, TINY);
    expect(session.state).toBe("ready");
    const done = await session.run();
    expect(done.state).toBe("done");
    expect(done.step).toBe(12);
    expect(done.trainLoss).toHaveLength(12);
    expect(done.checkpoints.map((c) => c.step)).toEqual([0, 4, 8, 12]);
    expect(done.checkpoints.at(-1)!.valLoss).toBeLessThan(done.checkpoints[0]!.valLoss);
    expectClose(done.checkpoints.at(-1)!.valLoss, session.validationLoss(), {rtol: 1e-12}, "last checkpoint");
    expect(done.msPerStep).toBeGreaterThan(0);
    // a finished run does not train further
    expect((await session.run()).step).toBe(12);
  });

  it("a checkpoint keeps each layer's attention on the probe: causal rows that sum to 1", async () => {
    const session = new TrainingSession(data, {...TINY, steps: 2, checkpoints: 1});
    const {checkpoints} = await session.run();
    const P = session.probe.length;
    const H = session.trainer.model.config.nHeads;
    for (const c of checkpoints) {
      expect(c.attention).toHaveLength(1);
      const att = c.attention[0]!;
      expect(att).toHaveLength(H * P * P);
      for (let row = 0; row < H * P; row++) {
        const q = row % P;
        const values = Array.from(att.subarray(row * P, (row + 1) * P));
        expectClose(
          values.slice(0, q + 1).reduce((a, b) => a + b, 0),
          1,
          {atol: ROW_SUM_ATOL},
          `row ${row}`
        );
        expect(values.slice(q + 1).every((v) => v === 0)).toBe(true);
      }
      expect(c.previousToken).toBeGreaterThan(0);
      expect(c.sample.startsWith("Once upon a time")).toBe(true);
    }
  });

  it("stop() pauses between two steps, and resuming ends with the same weights as a run never stopped", async () => {
    const straight = new TrainingSession(data, TINY);
    await straight.run();
    const paused = new TrainingSession(data, TINY);
    const off = paused.onUpdate((s) => s.step === 5 && paused.stop());
    const first = await paused.run();
    off();
    expect(first.state).toBe("paused");
    expect(first.step).toBe(5);
    const resumed = await paused.run();
    expect(resumed.state).toBe("done");
    expect(resumed.trainLoss).toEqual(straight.snapshot().trainLoss);
    expect(paramsOf(paused)).toEqual(paramsOf(straight));
  });

  it("session.run(signal) stops when the signal aborts; a snapshot does not change as training goes on", async () => {
    const session = new TrainingSession(data, TINY);
    const controller = new AbortController();
    let early: Snapshot | null = null;
    session.onUpdate((s) => {
      if (s.step === 3) {
        early = session.snapshot();
        controller.abort();
      }
    });
    const stopped = await session.run(controller.signal);
    expect(stopped).toMatchObject({state: "paused", step: 3});
    await session.run();
    expect(early!.trainLoss).toHaveLength(3);
    expect(early!.step).toBe(3);
  });

  it("startFrom(source) fine-tunes from the source's weights; details: false keeps only the validation loss", async () => {
    const source = new TrainingSession(data, TINY);
    await source.run();
    const tune = new TrainingSession(data, {...TINY, steps: 3, seed: 2, details: false, fakeQuant: {bits: 4}});
    tune.startFrom(source);
    expect(paramsOf(tune)).toEqual(paramsOf(source));
    expect(tune.from).toEqual({session: source, step: 12});
    const done = await tune.run();
    expect(done.checkpoints[0]!.valLoss).toBeLessThan(source.snapshot().checkpoints[0]!.valLoss);
    expect(done.checkpoints[0]).toMatchObject({attention: [], sample: "", previousToken: NaN});
    expect(() => tune.startFrom(source)).toThrow("cannot start from other weights after 3 steps");
  });

  it("a loss that is not finite ends the run as diverged, with a message", async () => {
    const session = new TrainingSession(data, TINY);
    session.trainer.model.params.fill(NaN);
    const result = await session.run();
    expect(result.state).toBe("diverged");
    expect(result.message).toBe("the loss became NaN at step 1: the learning rate is too high for this model");
  });

  it("toSessionSettings(spec) fills defaults and rejects bad values", () => {
    expect(toSessionSettings()).toMatchObject({dim: 32, nLayers: 2, steps: 300, batchSize: 8, details: true});
    expect(() => toSessionSettings({dim: 20})).toThrow("invalid dim: 20");
    expect(() => toSessionSettings({steps: 0})).toThrow("invalid steps: 0");
    expect(() => toSessionSettings({peakLr: 2})).toThrow("invalid peakLr: 2");
  });
});

describe("liveTraining(sessions, options) and trainControl(sessions)", () => {
  it("liveTraining(session) yields snapshots while it trains, under a tracked task, and ends done", async () => {
    const session = new TrainingSession(data, TINY);
    const seen: Snapshot[] = [];
    const tasks: string[][] = [];
    for await (const s of liveTraining(session, {interval: 0, label: "test training"})) {
      seen.push(s);
      tasks.push(workSnapshot().tasks);
    }
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toMatchObject({state: "done", step: 12});
    expect(tasks[0]).toContain("test training");
    expect(workSnapshot().tasks).toEqual([]);
  });

  it("the Stop control (stopAll) ends a live run paused, without an error", async () => {
    const session = new TrainingSession(data, {...TINY, steps: 200});
    let last: Snapshot | null = null;
    for await (const s of liveTraining(session, {interval: 0})) {
      last = s;
      if (s.step >= 2) stopAll();
    }
    expect(last!.state).toBe("paused");
    expect(last!.step).toBeLessThan(200);
  });

  it("liveTraining([a, b]) trains both side by side; trainControl([a, b]) starts, stops and follows them", async () => {
    const [a, b] = [new TrainingSession(data, TINY), new TrainingSession(data, {...TINY, fakeQuant: {bits: 4}})];
    const control = trainControl([a, b], {start: "Fine-tune"});
    const button = control.querySelector("button")!;
    expect([control.value, button.textContent, control.dataset.state]).toEqual([0, "Fine-tune", "ready"]);
    const inputs: number[] = [];
    control.addEventListener("input", () => inputs.push(control.value));
    button.click();
    expect(inputs).toEqual([1]);
    const steps: number[][] = [];
    for await (const pair of liveTraining([a, b], {interval: 0})) {
      steps.push(pair.map((s) => s.step));
      if (pair[0]!.step >= 4 && control.dataset.state === "running") {
        expect(button.textContent).toBe("Stop");
        button.click(); // stops both, does not count as a start
      }
    }
    expect(inputs).toEqual([1]);
    expect(control.dataset.state).toBe("paused");
    expect(button.textContent).toBe("Resume");
    expect(Math.abs(a.step - b.step)).toBeLessThanOrEqual(1); // one step each in turn
    for await (const pair of liveTraining([a, b], {interval: 0})) steps.push(pair.map((s) => s.step));
    expect(steps.at(-1)).toEqual([12, 12]);
    expect([control.dataset.state, button.disabled, button.textContent]).toEqual(["done", true, "Finished"]);
    expect(control.textContent).toContain("done · step 12 of 12");
  });

  it("combinedState(states) is running while any runs, done when all are, ready before any step", () => {
    expect(combinedState(["done", "running"])).toBe("running");
    expect(combinedState(["done", "done"])).toBe("done");
    expect(combinedState(["ready", "ready"])).toBe("ready");
    expect(combinedState(["done", "paused"])).toBe("paused");
    expect(combinedState(["ready", "done"])).toBe("paused");
    expect(combinedState(["diverged", "done"])).toBe("diverged");
  });
});
