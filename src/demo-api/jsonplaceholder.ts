import { createRandom, type Random } from './random.js';
import {
  BS_NOUNS,
  BS_VERBS,
  CATCH_ADJECTIVES,
  CATCH_NOUNS,
  CITIES,
  COMPANY_SUFFIXES,
  DOMAINS,
  FIRST_NAMES,
  LAST_NAMES,
  LOREM,
  STREETS,
} from './words.js';

/** A user shaped like jsonplaceholder.typicode.com's `/users`. */
export interface DemoUser {
  readonly id: number;
  readonly name: string;
  readonly username: string;
  readonly email: string;
  readonly address: {
    readonly street: string;
    readonly suite: string;
    readonly city: string;
    readonly zipcode: string;
    readonly geo: { readonly lat: string; readonly lng: string };
  };
  readonly phone: string;
  readonly website: string;
  readonly company: { readonly name: string; readonly catchPhrase: string; readonly bs: string };
}

export interface DemoPost {
  readonly userId: number;
  readonly id: number;
  readonly title: string;
  readonly body: string;
}

export interface DemoComment {
  readonly postId: number;
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly body: string;
}

export function generateUsers(seed: number, count: number): DemoUser[] {
  const random = createRandom(seed, 'users');
  return Array.from({ length: count }, (_, index) => {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const domain = random.pick(DOMAINS);
    return {
      id: index + 1,
      name: `${first} ${last}`,
      username: `${first}${random.chance(0.5) ? `.${last}` : ''}${random.int(1, 99)}`.replace(/'/g, ''),
      email: `${first}.${last}@${domain}`.replace(/'/g, ''),
      address: {
        street: random.pick(STREETS),
        suite: `${random.chance(0.5) ? 'Apt.' : 'Suite'} ${random.int(100, 999)}`,
        city: random.pick(CITIES),
        zipcode: `${random.digits(5)}-${random.digits(4)}`,
        geo: { lat: coordinate(random, 90), lng: coordinate(random, 180) },
      },
      phone: `1-${random.digits(3)}-${random.digits(3)}-${random.digits(4)}${random.chance(0.5) ? ` x${random.digits(5)}` : ''}`,
      website: `${last.toLowerCase().replace(/'/g, '')}.${random.pick(['org', 'net', 'info', 'biz', 'com'])}`,
      company: {
        name: `${random.pick(LAST_NAMES)} ${random.pick(COMPANY_SUFFIXES)}`,
        catchPhrase: `${random.pick(CATCH_ADJECTIVES)} ${random.pick(CATCH_NOUNS)}`,
        bs: `${random.pick(BS_VERBS)} ${random.pick(BS_NOUNS)}`,
      },
    };
  });
}

/** Posts grouped by author as on jsonplaceholder, but with very uneven authors: some have none. */
export function generatePosts(seed: number, count: number, users: number): DemoPost[] {
  const random = createRandom(seed, 'posts');
  const owners = unevenOwners(random, count, users);
  return owners.map((userId, index) => ({
    userId,
    id: index + 1,
    title: words(random, 3, 8),
    body: lines(random),
  }));
}

/** Comments grouped by post; some posts get many, some none. */
export function generateComments(seed: number, count: number, posts: number): DemoComment[] {
  const random = createRandom(seed, 'comments');
  const owners = unevenOwners(random, count, posts);
  return owners.map((postId, index) => ({
    postId,
    id: index + 1,
    name: words(random, 3, 7),
    email: `${random.pick(FIRST_NAMES)}_${random.pick(LAST_NAMES).replace(/'/g, '')}@${random.pick(DOMAINS)}`,
    body: lines(random),
  }));
}

/**
 * Assigns `count` children to parents 1..`parents` with skewed weights,
 * sorted by parent. About a fifth of the parents (at least one, when there
 * are two or more) get no children, so per-parent reports are never flat.
 */
function unevenOwners(random: Random, count: number, parents: number): number[] {
  if (count === 0 || parents === 0) return [];
  const weights: number[] = Array.from({ length: parents }, () => (random.chance(0.2) ? 0 : random.next() ** 3 + 0.01));
  if (parents >= 2) weights[random.int(0, parents - 1)] = 0;
  if (!weights.some((weight) => weight > 0)) weights[random.int(0, parents - 1)] = 1;
  // Cumulative weights and a binary search keep 100k children over 10k parents fast.
  const cumulative: number[] = [];
  let total = 0;
  for (const weight of weights) {
    total += weight;
    cumulative.push(total);
  }
  const owners: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const ticket = random.next() * total;
    let low = 0;
    let high = parents - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulative[middle] as number) > ticket) high = middle;
      else low = middle + 1;
    }
    owners.push(low + 1);
  }
  return owners.sort((a, b) => a - b);
}

function words(random: Random, min: number, max: number): string {
  return Array.from({ length: random.int(min, max) }, () => random.pick(LOREM)).join(' ');
}

/** Multi-line bodies as on jsonplaceholder, so clients meet escaped newlines. */
function lines(random: Random): string {
  return Array.from({ length: random.int(1, 4) }, () => words(random, 6, 12)).join('\n');
}

function coordinate(random: Random, bound: number): string {
  return (random.int(-bound * 10_000, bound * 10_000) / 10_000).toFixed(4);
}
