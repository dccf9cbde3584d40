export { crossmeshPlugin as default } from './plugin';
