export { type MainOptions, type Running, start } from './main.js';
export { loadSettings, type Settings, SettingsError } from './settings.js';
