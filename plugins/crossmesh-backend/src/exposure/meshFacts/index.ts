export { MeshFactHistory } from './MeshFactHistory';
export {
  changeConcerns,
  factChangesOf,
  meshFactChangesFor,
} from './meshFactChanges';
