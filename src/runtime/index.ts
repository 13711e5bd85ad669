export { startServer4 } from './server4.ts';
export type { Server4, Server4Options } from './server4.ts';
export { VERSION } from './version.ts';
