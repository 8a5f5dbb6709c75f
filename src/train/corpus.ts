// The training corpus, generated here from a seeded grammar (nothing downloaded): short children's stories about a
// hero and a friend, a place, an object, an action and feelings. Names recur inside a story (so copying earlier
// tokens pays: induction), pronouns agree with the character, and a few fixed phrases open and close stories.
import {makeRng, type Rng} from "./rng.ts";

interface Character {
  name: string;
  /** "a little girl named Lily", "a dog named Max" */
  intro: string;
  he: string;
  his: string;
  him: string;
}

const GIRLS = [
  "Lily",
  "Mia",
  "Sue",
  "Anna",
  "Emma",
  "Lucy",
  "Zoe",
  "Rosa",
  "Nina",
  "Ella",
  "Amy",
  "Kate",
  "Sara",
  "Jane"
];
const BOYS = ["Tom", "Ben", "Max", "Sam", "Leo", "Jack", "Tim", "Finn", "Hugo", "Noah", "Dan", "Bob", "Joe", "Ned"];
const ANIMALS = ["cat", "dog", "bunny", "bird", "bear", "fox", "duck", "frog", "mouse", "pig", "owl", "lion"];
const PLACES = [
  "park",
  "garden",
  "forest",
  "beach",
  "farm",
  "town",
  "hill",
  "school",
  "river",
  "meadow",
  "zoo",
  "lake"
];
const OBJECTS = ["ball", "kite", "hat", "stone", "book", "car", "box", "flower", "cake", "balloon", "shell", "boat"];
const COLORS = ["red", "blue", "green", "yellow", "pink", "big", "small", "shiny", "soft", "old", "new", "funny"];
const GOOD = ["happy", "glad", "excited", "proud", "surprised"];
const BAD = ["sad", "scared", "angry", "tired", "lonely"];
const ACTIVITIES = ["play", "run", "jump", "sing", "dance", "swim", "read", "draw", "dig", "climb", "paint", "hop"];
const HIDING = ["under the bed", "behind a tree", "in the grass", "near the pond", "under a rock", "in a big box"];
const HELPERS = ["mom", "dad", "grandma", "grandpa", "teacher"];
const WEATHER = ["sunny", "rainy", "windy", "cold", "warm", "snowy"];

function character(rng: Rng): Character {
  const girl = rng.next() < 0.5;
  const name = rng.pick(girl ? GIRLS : BOYS);
  const intro =
    rng.next() < 0.7 ? `a little ${girl ? "girl" : "boy"} named ${name}` : `a ${rng.pick(ANIMALS)} named ${name}`;
  return girl ? {name, intro, he: "she", his: "her", him: "her"} : {name, intro, he: "he", his: "his", him: "him"};
}

const cap = (s: string): string => s[0]!.toUpperCase() + s.slice(1);
const an = (word: string): string => ("aeiou".includes(word[0]!) ? `an ${word}` : `a ${word}`);

function opening(rng: Rng, hero: Character, place: string): string {
  const first = rng.pick([
    `Once upon a time, there was ${hero.intro}.`,
    `Once upon a time, in a ${rng.pick(["small", "big", "quiet", "busy"])} ${place}, there lived ${hero.intro}.`,
    `One ${rng.pick(WEATHER)} day, ${hero.intro} went to the ${place}.`
  ]);
  const second = rng.pick([
    `${hero.name} loved to ${rng.pick(ACTIVITIES)} all day.`,
    `${cap(hero.he)} liked to ${rng.pick(ACTIVITIES)} with ${hero.his} friends.`,
    `Every day, ${hero.name} went to the ${place} to ${rng.pick(ACTIVITIES)}.`
  ]);
  return `${first} ${second}`;
}

function foundStory(rng: Rng, hero: Character, friend: Character, place: string): string {
  const thing = `${rng.pick(COLORS)} ${rng.pick(OBJECTS)}`;
  const feel = rng.pick(GOOD);
  return [
    `One day, ${hero.name} found ${an(thing)} in the ${place}. ${cap(hero.he)} was very ${feel}.`,
    `${hero.name} ran to show the ${thing} to ${hero.his} friend ${friend.name}.`,
    `"Look, ${friend.name}! I found ${an(thing)}!" said ${hero.name}.`,
    `${friend.name} smiled and said, "Wow, ${hero.name}! It is so ${rng.pick(["pretty", "nice", "cool", "funny"])}!"`,
    `${hero.name} and ${friend.name} played with the ${thing} until the sun went down.`
  ].join(" ");
}

function lostStory(rng: Rng, hero: Character, friend: Character): string {
  const thing = rng.pick(OBJECTS);
  const spot = rng.pick(HIDING);
  return [
    `One day, ${hero.name} lost ${hero.his} ${thing}. ${cap(hero.he)} looked everywhere, but ${hero.he} could not find it.`,
    `${hero.name} was ${rng.pick(BAD)}. Then ${friend.name} came by.`,
    `"Why are you sad, ${hero.name}?" asked ${friend.name}. "I lost my ${thing}," said ${hero.name}.`,
    `"Do not worry. I will help you," said ${friend.name}.`,
    `They looked ${rng.pick(HIDING)} and ${rng.pick(HIDING)}. At last, ${friend.name} found the ${thing} ${spot}.`,
    `${hero.name} was so ${rng.pick(GOOD)}. "Thank you, ${friend.name}!" ${hero.he} said.`
  ].join(" ");
}

function braveStory(rng: Rng, hero: Character): string {
  const helper = rng.pick(HELPERS);
  const goal = rng.pick([
    "climb the tall tree",
    "swim in the lake",
    "ride the big bike",
    "sing at school",
    "jump over the log"
  ]);
  return [
    `${hero.name} wanted to ${goal}, but ${hero.he} was scared.`,
    `${cap(hero.his)} ${helper} said, "Be brave, ${hero.name}. You can do it."`,
    `${hero.name} took a deep breath. ${cap(hero.he)} tried once, and then ${hero.he} tried again.`,
    `At last, ${hero.name} did it! ${cap(hero.he)} felt very proud.`,
    `"I did it!" said ${hero.name}. ${cap(hero.his)} ${helper} gave ${hero.him} a big hug.`
  ].join(" ");
}

function shareStory(rng: Rng, hero: Character, friend: Character): string {
  const food = rng.pick(["apple", "cookie", "cake", "sandwich", "banana", "pie"]);
  return [
    `${hero.name} had ${an(food)}. ${friend.name} did not have ${an(food)}, and ${friend.he} was ${rng.pick(BAD)}.`,
    `${hero.name} thought for a moment. Then ${hero.he} gave half of the ${food} to ${friend.name}.`,
    `"Thank you, ${hero.name}," said ${friend.name}. "You are a good friend."`,
    `${hero.name} and ${friend.name} ate the ${food} together. Sharing made them both ${rng.pick(GOOD)}.`
  ].join(" ");
}

function ending(rng: Rng, hero: Character, friend: Character): string {
  return rng.pick([
    `From that day on, ${hero.name} and ${friend.name} were best friends.`,
    `At the end of the day, ${hero.name} went home. ${cap(hero.he)} was tired but happy.`,
    `${hero.name} learned that friends help each other.`,
    `That night, ${hero.name} went to bed with a big smile.`
  ]);
}

/** One story: an opening, one or two episodes, an ending; paragraphs separated by a newline. */
export function story(rng: Rng): string {
  const hero = character(rng);
  let friend = character(rng);
  while (friend.name === hero.name) friend = character(rng);
  const place = rng.pick(PLACES);
  const episodes = [
    () => foundStory(rng, hero, friend, place),
    () => lostStory(rng, hero, friend),
    () => braveStory(rng, hero),
    () => shareStory(rng, hero, friend)
  ];
  const first = rng.int(episodes.length);
  const parts = [opening(rng, hero, place), episodes[first]!()];
  if (rng.next() < 0.4) parts.push(episodes[(first + 1 + rng.int(episodes.length - 1)) % episodes.length]!());
  parts.push(ending(rng, hero, friend));
  return parts.join("\n");
}

export interface CorpusSpec {
  /** seed of the story grammar; the validation split uses seed + 1 */
  seed?: number;
  /** training stories */
  trainStories?: number;
  /** validation stories, drawn from a separate random stream */
  valStories?: number;
}

export interface Corpus {
  seed: number;
  train: string[];
  val: string[];
}

export function toCorpusSpec({
  seed = 1,
  trainStories = 12000,
  valStories = 300
}: CorpusSpec = {}): Required<CorpusSpec> {
  for (const [name, value] of [
    ["seed", seed],
    ["trainStories", trainStories],
    ["valStories", valStories]
  ] as const) {
    if (!Number.isInteger(value) || value < 0) throw new Error(`invalid ${name}: ${value}`);
  }
  return {seed, trainStories, valStories};
}

export function makeCorpus(spec: CorpusSpec = {}): Corpus {
  const {seed, trainStories, valStories} = toCorpusSpec(spec);
  const trainRng = makeRng(seed);
  const valRng = makeRng(seed + 1);
  return {
    seed,
    train: Array.from({length: trainStories}, () => story(trainRng)),
    val: Array.from({length: valStories}, () => story(valRng))
  };
}
