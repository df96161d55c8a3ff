// Worker entry: registers tsx in this thread (workers do not inherit the parent's loader), then runs the TypeScript body.
import { register } from 'tsx/esm/api';

register();
await import('./train-worker.ts');
