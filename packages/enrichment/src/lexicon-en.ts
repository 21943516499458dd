import type { SentimentLexicon } from "./lexicon-types";

/**
 * English CX sentiment lexicon, written by hand for Pulse (contact centre, retail, airline).
 * Values −3..3; a key ending in "*" is a prefix stem, keys with spaces are phrases.
 * Words with a strong neutral sense in CX text ("patient", "like", "issue" as in "issued") are left
 * out or kept weak on purpose.
 */
// Word lists are kept compact (several entries a line): one entry per line would triple the file.
// prettier-ignore
const words: Record<string, number> = {
  // — positive
  good: 2, great: 3, excellent: 3, amazing: 3, awesome: 3, fantastic: 3, wonderful: 3, brilliant: 3,
  outstanding: 3, superb: 3, perfect: 3, perfectly: 2, exceptional: 3, exceptionally: 2, impressive: 2,
  impressed: 2, best: 3, better: 1, nice: 2, lovely: 2, pleasant: 2, pleasantly: 2, pleasure: 2, friendly: 2,
  polite: 2, politely: 2, courteous: 2, kind: 2, kindly: 1, kindness: 2, helpful: 2, helped: 1, attentive: 2,
  caring: 2, patiently: 1, professional: 2, professionally: 2, professionalism: 2, knowledgeable: 2,
  competent: 2, efficient: 2, efficiently: 2, quick: 1, quickly: 1, fast: 1, prompt: 2, promptly: 2,
  speedy: 2, smooth: 2, smoothly: 2, easy: 2, easily: 1, simple: 1, seamless: 2, comfortable: 2, comfy: 2,
  spacious: 1, clean: 1, tidy: 1, fresh: 1, tasty: 2, delicious: 3, enjoyable: 2, enjoyed: 2, enjoy: 1,
  love: 2, loved: 2, liked: 1, happy: 2, pleased: 2, satisfied: 2, delighted: 3, thrilled: 3, grateful: 2,
  thankful: 2, thanks: 1, thank: 1, "appreciat*": 2, "recommend*": 2, reliable: 2, punctual: 2, resolved: 2,
  solved: 2, fixed: 1, sorted: 1, refunded: 1, compensated: 1, reasonable: 1, affordable: 1, worth: 1,
  bargain: 2, generous: 2, warm: 1, welcoming: 2, welcomed: 1, smile: 1, smiling: 1, smiles: 1, cheerful: 2,
  accommodating: 2, understanding: 1, empathetic: 2, reassuring: 2, informative: 1, clear: 1, respectful: 2,
  fine: 0.5, ok: 0.3, okay: 0.3, decent: 1, solid: 1, improved: 1, improvement: 1, upgraded: 1, exceeded: 2,
  flawless: 3, faultless: 3, effortless: 2, praise: 2, wow: 2, glad: 2, fabulous: 3, terrific: 3,
  marvellous: 3, marvelous: 3, exemplary: 3, spotless: 2, immaculate: 2, relaxing: 2, relaxed: 1, safe: 1,
  luxurious: 2, quality: 0.5, friendliest: 3, helpfulness: 2, efficiency: 1, sincere: 1, honest: 2,
  trustworthy: 2, genuine: 1, responsive: 2,
  // — negative
  bad: -2, badly: -2, terrible: -3, terribly: -2, awful: -3, horrible: -3, horrendous: -3, dreadful: -3,
  appalling: -3, atrocious: -3, abysmal: -3, pathetic: -3, disgraceful: -3, disgusting: -3, shocking: -2,
  shambles: -3, joke: -2, useless: -2, worst: -3, worse: -2, poor: -2, poorly: -2, mediocre: -1, subpar: -2,
  "disappoint*": -2, unacceptable: -3, ridiculous: -2, rude: -3, rudely: -3, rudeness: -3, impolite: -2,
  unfriendly: -2, unhelpful: -2, unprofessional: -3, incompetent: -3, incompetence: -3, arrogant: -3,
  dismissive: -2, condescending: -2, hostile: -2, aggressive: -2, careless: -2, ignored: -2, ignoring: -2,
  ignore: -1, indifferent: -1, uninterested: -2, lazy: -2, slow: -1, slowly: -1, delay: -1, delayed: -1,
  delays: -1, late: -1, wait: -0.5, waited: -1, waiting: -0.5, queue: -0.5, queues: -1, forever: -1,
  ages: -0.5, broken: -2, broke: -1, damaged: -2, faulty: -2, defective: -2, dirty: -2, filthy: -3,
  smelly: -2, "stink*": -2, cramped: -2, uncomfortable: -2, cold: -0.5, stale: -2, inedible: -3,
  tasteless: -2, bland: -1, noisy: -1, expensive: -1, overpriced: -2, overcharged: -2, scam: -3, fraud: -3,
  fraudulent: -3, stolen: -2, lost: -2, missing: -1, cancelled: -1, canceled: -1, refused: -2, denied: -2,
  failure: -2, failed: -2, fail: -2, fails: -2, error: -1, errors: -1, mistake: -1, mistakes: -1, problem: -1,
  problems: -1, issue: -0.5, issues: -0.5, trouble: -1, hassle: -1, nightmare: -3, chaos: -2, chaotic: -2,
  mess: -2, messy: -2, confusing: -1, confused: -1, unclear: -1, misleading: -2, misled: -2, lied: -3,
  lies: -2, liar: -3, dishonest: -3, unfair: -2, "frustrat*": -2, "annoy*": -2, angry: -2, anger: -2,
  furious: -3, upset: -2, unhappy: -2, dissatisfied: -2, unsatisfied: -2, sad: -1, regret: -2,
  "complain*": -1, avoid: -2, waste: -2, wasted: -2, stressful: -2, stressed: -2, hopeless: -2,
  inadequate: -2, insufficient: -1, unreliable: -2, unresponsive: -2, unavailable: -1, outage: -2, crash: -2,
  crashed: -2, glitch: -1, bug: -1, downgraded: -2, worn: -1, tired: -1, dated: -1, shabby: -2, tatty: -2,
  grubby: -2, substandard: -2, lacklustre: -2, lackluster: -2, meh: -1, disorganised: -2, disorganized: -2,
  neglect: -2, negligent: -3, "harass*": -3, "threaten*": -2, abusive: -3, penalty: -1, unauthorized: -2,
  unauthorised: -2, illegal: -2, wrong: -2, wrongly: -2, incorrect: -1, inaccurate: -1, lack: -0.5,
  lacking: -1, cheap: -0.5, miserable: -2, unpleasant: -2, worthless: -3, sloppy: -2, chaotically: -2,
  overbooked: -2, stranded: -2, declined: -1, declining: -1, decline: -1, unable: -1, disrespectful: -3,
  patronising: -2, patronizing: -2, shouted: -2, yelled: -2, clueless: -2, robotic: -1, inconvenience: -1,
  inconvenient: -1, debacle: -3, fiasco: -3,
};

// prettier-ignore
const phrases: Record<string, number> = {
  "never again": -3, "waste of time": -3, "waste of money": -3, "rip off": -3, "on hold": -1, "not worth": -2,
  "above and beyond": 3, "hassle free": 2, "let down": -2, "fell short": -2, "well done": 2, "no problem": 1,
  "no problems": 1, "no issues": 1, "not working": -2, "doesn't work": -2, "didn't work": -2,
  "stopped working": -2, "on time": 1, "went wrong": -2, "second to none": 3, "value for money": 0.5,
};

// prettier-ignore
export const LEXICON_EN: SentimentLexicon = {
  words, phrases,
  negators: [
    "not", "no", "never", "none", "nothing", "neither", "nor", "without", "hardly", "barely", "cannot",
    "lack", "lacking", "lacked",
  ],
  intensifiers: {
    very: 1.5, really: 1.4, extremely: 1.7, incredibly: 1.6, absolutely: 1.6, totally: 1.5, completely: 1.5,
    utterly: 1.6, so: 1.3, too: 1.2, super: 1.4, highly: 1.5, truly: 1.4, particularly: 1.3, especially: 1.3,
    quite: 1.1, awfully: 1.4, pretty: 1.1, most: 1.2, such: 1.2, slightly: 0.6, somewhat: 0.7, fairly: 0.8,
    bit: 0.6, little: 0.6, kinda: 0.7, rather: 0.8, mildly: 0.6,
  },
  contrasts: ["but", "however"],
};
