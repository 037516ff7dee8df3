export * from './limits.js';
export * from './errors.js';
export * from './codec.js';
export * from './frames.js';
export * from './parse.js';
export * from './names.js';
export * from './duration.js';
