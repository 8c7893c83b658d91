export { type MainIo, main } from './main.js';
