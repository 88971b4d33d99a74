// Vocabulary for the generated datasets. Plain ASCII keeps the JSON easy to
// eyeball while still exercising escaping through a few apostrophes.

export const FIRST_NAMES = [
  'Leanne', 'Ervin', 'Clementine', 'Patricia', 'Chelsey', 'Dennis', 'Kurtis', 'Nicholas', 'Glenna', 'Clementina',
  'Aurelia', 'Bastian', 'Corinne', 'Desmond', 'Estelle', 'Florian', 'Greta', 'Horatio', 'Ingrid', 'Jasper',
  'Katrin', 'Lucian', 'Marisol', 'Nikolai', 'Ottilie', 'Percival', 'Quinn', 'Rosalind', 'Soren', 'Tamsin',
] as const;

export const LAST_NAMES = [
  'Graham', 'Howell', 'Bauch', 'Lebsack', 'Dietrich', 'Schulist', 'Weissnat', 'Runolfsdottir', 'Reichert', 'DuBuque',
  "O'Keefe", 'Abernathy', 'Balistreri', 'Cormier', 'Durgan', 'Ebert', 'Funk', 'Gleason', 'Heathcote', 'Kuhlman',
] as const;

export const STREETS = [
  'Kulas Light', 'Victor Plains', 'Douglas Extension', 'Hoeger Mall', 'Skiles Walks', 'Norberto Crossing',
  'Rex Trail', 'Ellsworth Summit', 'Dayna Park', 'Kattie Turnpike', 'Maple Hollow', 'Quarry Lane',
] as const;

export const CITIES = [
  'Gwenborough', 'Wisokyburgh', 'McKenziehaven', 'South Elvis', 'Roscoeview', 'South Christy', 'Howemouth',
  'Aliyaview', 'Bartholomebury', 'Lebsackbury', 'North Ambrose', 'Port Delia',
] as const;

export const DOMAINS = ['april.biz', 'melissa.tv', 'yesenia.net', 'kory.org', 'annie.ca', 'jasper.info', 'billy.biz', 'rosamond.me'] as const;

export const COMPANY_SUFFIXES = ['LLC', 'Group', 'and Sons', 'Inc', 'Crona', 'Deckow-Crist', 'Keebler', 'Hoeger'] as const;

export const CATCH_ADJECTIVES = ['Multi-layered', 'Proactive', 'Face to face', 'Synchronised', 'Configurable', 'Implemented', 'Switchable', 'Centralized'] as const;
export const CATCH_NOUNS = ['client-server neural-net', 'didactic contingency', 'bifurcated forecast', 'attitude-oriented middleware', 'methodology', 'secured line', 'logistical hub', 'intranet'] as const;
export const BS_VERBS = ['harness', 'synergize', 'e-enable', 'transition', 'revolutionize', 'aggregate', 'target', 'generate'] as const;
export const BS_NOUNS = ['real-time e-markets', 'scalable supply-chains', 'end-to-end models', 'cutting-edge web services', 'B2C methodologies', 'rich deliverables'] as const;

export const LOREM = [
  'lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur', 'adipisci', 'velit', 'sed', 'quia', 'non', 'numquam',
  'eius', 'modi', 'tempora', 'incidunt', 'ut', 'labore', 'et', 'dolore', 'magnam', 'aliquam', 'quaerat', 'voluptatem',
  'enim', 'ad', 'minima', 'veniam', 'quis', 'nostrum', 'exercitationem', 'ullam', 'corporis', 'suscipit', 'laboriosam',
  'nisi', 'aliquid', 'ex', 'ea', 'commodi', 'consequatur', 'autem', 'vel', 'eum', 'iure', 'reprehenderit', 'qui',
  'in', 'voluptate', 'esse', 'quam', 'nihil', 'molestiae', 'illum', 'fugiat', 'quo', 'voluptas', 'nulla', 'pariatur',
] as const;

export const COIN_SYLLABLES = [
  'bit', 'eth', 'sol', 'dot', 'ada', 'lum', 'nex', 'zor', 'qua', 'vel', 'tor', 'ka', 'mi', 'ra', 'xo', 'fin',
  'lio', 'tez', 'gra', 'pho', 'nyx', 'ori', 'sa', 'vo', 'ze', 'un', 'ion', 'hel', 'pan', 'dex',
] as const;
export const COIN_SUFFIXES = ['', '', '', 'coin', 'token', 'swap', 'chain', 'fi', ' inu', ' protocol'] as const;

export const PRODUCT_ADJECTIVES = ['Ergonomic', 'Rustic', 'Sleek', 'Handcrafted', 'Refined', 'Gorgeous', 'Practical', 'Tasty', 'Small', 'Intelligent'] as const;
export const PRODUCT_MATERIALS = ['Steel', 'Wooden', 'Cotton', 'Granite', 'Rubber', 'Bronze', 'Plastic', 'Frozen', 'Soft', 'Concrete'] as const;
export const PRODUCT_NOUNS = ['Chair', 'Table', 'Keyboard', 'Gloves', 'Towels', 'Salad', 'Bike', 'Lamp', 'Shoes', 'Clock', 'Mouse', 'Hat'] as const;
export const PRODUCT_TAGS = ['new', 'sale', 'eco', 'bestseller', 'limited', 'imported', 'handmade', 'clearance'] as const;

export const EVENT_TYPES = ['order.created', 'order.paid', 'order.refunded', 'user.signed_up', 'user.logged_in', 'invoice.sent', 'payout.completed'] as const;
export const CURRENCIES = ['usd', 'eur', 'gbp', 'jpy'] as const;
export const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'JP', 'BR', 'IN', 'NG'] as const;
