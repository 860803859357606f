export { CODE_SERVER_VERSION, codeServerCacheDir, ensureCodeServer } from './code-server-install.js';
export type { CodeServerInstall, EnsureCodeServerOptions } from './code-server-install.js';
export { startEditor } from './start-editor.js';
export type { Editor, StartEditorOptions } from './start-editor.js';
export type { Locator, Page } from 'playwright-core';
