export { crossmeshApiRef } from './CrossmeshApi';
export type { CrossmeshApi } from './CrossmeshApi';
export { CrossmeshClient } from './CrossmeshClient';
