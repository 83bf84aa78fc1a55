// Formatting for every workspace (the root prettier.config.js re-exports it).
export default {
  printWidth: 140,
  singleQuote: true,
  trailingComma: 'all',
};
