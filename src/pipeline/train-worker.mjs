// Worker entry when running from the sources: registers tsx in this thread (workers do not
// inherit the parent's loader), then runs the TypeScript body. The built package runs train-worker.js.
import { register } from 'tsx/esm/api';

register();
await import('./train-worker.ts');
