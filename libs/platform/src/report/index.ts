export * from './html.js';
export * from './chart-library.js';
export * from './conversion-report.js';
