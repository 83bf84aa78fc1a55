export { default } from './config/prettier.config.js';
