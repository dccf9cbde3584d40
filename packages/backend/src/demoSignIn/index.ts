export { authModuleDemoProvider as default } from './authModuleDemoProvider';
