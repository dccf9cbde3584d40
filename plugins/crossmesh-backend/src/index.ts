export { crossmeshPlugin as default } from './plugin';
export { REQUIRED_ACCESS } from './onboarding/preflight/requiredAccess';
export type { RequiredAccess } from './onboarding/preflight/requiredAccess';
