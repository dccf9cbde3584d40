/**
 * Lets other backend plugins and modules (the crossmesh scaffolder module among them) call
 * the crossmesh backend with the same permissions and audit as the UI.
 *
 * @packageDocumentation
 */

export type { CrossmeshService } from './CrossmeshService';
export { crossmeshServiceRef } from './crossmeshServiceRef';
