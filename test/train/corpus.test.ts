import {describe, expect, it} from "vitest";
import {makeCorpus, makeRng, story, toCorpusSpec} from "../../src/train/index.ts";

describe("story corpus", () => {
  const corpus = makeCorpus({seed: 9, trainStories: 200, valStories: 50});

  it("makeCorpus(spec) is deterministic for a seed and differs for another", () => {
    expect(makeCorpus({seed: 9, trainStories: 200, valStories: 50})).toEqual(corpus);
    expect(makeCorpus({seed: 10, trainStories: 200, valStories: 50}).train).not.toEqual(corpus.train);
  });

  it("story(rng) names its hero again later in the story (what induction heads can copy)", () => {
    for (const text of corpus.train) {
      const hero = /named (\w+)/.exec(text)![1]!;
      expect(text.split(hero).length - 1).toBeGreaterThanOrEqual(3);
    }
  });

  it("story(rng) varies: few repeats among 200 stories, several openings and endings", () => {
    expect(new Set(corpus.train).size).toBeGreaterThan(195);
    expect(new Set(corpus.train.map((s) => s.split(",")[0])).size).toBeGreaterThanOrEqual(3);
    expect(new Set(corpus.train.map((s) => s.split("\n").at(-1)!.slice(0, 12))).size).toBeGreaterThan(3);
    expect(story(makeRng(1))).toBe(story(makeRng(1)));
  });

  it("toCorpusSpec(spec) fills defaults and rejects bad counts", () => {
    expect(toCorpusSpec().seed).toBe(1);
    expect(() => toCorpusSpec({trainStories: -1})).toThrow("invalid trainStories: -1");
    expect(() => toCorpusSpec({seed: 1.5})).toThrow("invalid seed: 1.5");
  });
});
