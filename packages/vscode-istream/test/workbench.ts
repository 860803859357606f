// What the e2e tests do in the VS Code workbench, through the keyboard and the DOM as a user sees it.
import type { Locator, Page } from '@istream/test-harness';

const uiTimeoutMs = 30_000;

/** Monaco renders spaces as U+00A0; tests compare with the file's text. */
function plain(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}

/** Moves the cursor to a 0-based position (as the language service counts) with Go to Line. */
export async function goTo(page: Page, position: { line: number; character: number }): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  // Go to Line closes when it loses the focus; just after a large file opens, the editor may take
  // the focus back once its model is loaded. A user would press Ctrl+G again; so does this.
  for (let attempt = 1; ; attempt++) {
    await closeWidgets(page);
    await page.keyboard.press('Control+G');
    await input.waitFor({ timeout: uiTimeoutMs });
    try {
      await input.fill(`:${position.line + 1}:${position.character + 1}`, { timeout: 5_000 });
      break;
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: uiTimeoutMs });
  // A key pressed before the editor has its focus back goes nowhere (Ctrl+. then seems slow).
  await page.locator('.editor-instance .monaco-editor.focused').first().waitFor({ timeout: uiTimeoutMs });
}

/** The text of the active editor's rendered lines. */
export async function visibleText(page: Page): Promise<string> {
  return plain(await page.locator('.editor-instance .monaco-editor .view-lines').first().innerText());
}

export function squiggles(page: Page, severity: 'error' | 'warning' = 'error'): Locator {
  return page.locator(`.editor-instance .monaco-editor .squiggly-${severity}`);
}

export interface ProblemRow {
  /** The row's accessible label: severity, message, position, source and code. */
  label: string;
  text: string;
}

/** Opens the Problems panel and reads its rows (file rows and problem rows). */
export async function problems(page: Page): Promise<ProblemRow[]> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) {
    await page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ timeout: uiTimeoutMs });
  }
  // Read in one go: the list is virtualized and re-rendered as problems change, so a row counted
  // first may be gone when read one by one.
  const rows = await panel.locator('.monaco-list-row').evaluateAll((elements) =>
    elements.map((e) => ({
      label: e.getAttribute('aria-label') ?? '',
      text: (e as unknown as { innerText: string }).innerText,
    })),
  );
  return rows.map((r) => ({ label: plain(r.label), text: plain(r.text) }));
}

/** Opens the lightbulb menu at the cursor (Ctrl+.) and returns its entries' titles. */
export async function openCodeActions(page: Page): Promise<string[]> {
  const items = page.locator('.action-widget .monaco-list-row.action');
  const deadline = Date.now() + uiTimeoutMs;
  // Asked again if the keystroke is lost on a loaded machine (as for suggestions).
  for (;;) {
    await page.keyboard.press('Control+.');
    try {
      await items.first().waitFor({ timeout: 5000 });
      return (await items.allInnerTexts()).map(plain);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await closeWidgets(page);
    }
  }
}

/**
 * The lightbulb menu's entries at the cursor (Ctrl+.), or none when VS Code says "No code actions
 * available" instead of opening it. The menu is closed again.
 */
export async function codeActionTitles(page: Page): Promise<string[]> {
  await page.keyboard.press('Control+.');
  const items = page.locator('.action-widget .monaco-list-row.action');
  const none = page.locator('.monaco-editor-overlaymessage', { hasText: 'No code actions' });
  const shown = await Promise.race([
    items
      .first()
      .waitFor({ timeout: uiTimeoutMs })
      .then(() => 'menu' as const),
    none
      .first()
      .waitFor({ timeout: uiTimeoutMs })
      .then(() => 'none' as const),
  ]);
  const titles = shown === 'menu' ? (await items.allInnerTexts()).map(plain) : [];
  await closeWidgets(page);
  return titles;
}

/** Picks an entry of the open lightbulb menu with the keyboard (the menu focuses its first entry). */
export async function chooseCodeAction(page: Page, title: string): Promise<void> {
  const titles = (await page.locator('.action-widget .monaco-list-row.action').allInnerTexts()).map(plain);
  const index = titles.findIndex((t) => t.includes(title));
  if (index < 0) throw new Error(`the lightbulb menu has no "${title}": ${JSON.stringify(titles)}`);
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.locator('.action-widget').waitFor({ state: 'hidden', timeout: uiTimeoutMs });
}

/**
 * Opens the suggest list at the cursor (Ctrl+Space). On a loaded machine the keystroke can land
 * before the editor has focus back, or the list can come up empty before the language service
 * answers, and Monaco does not ask again by itself: the list is closed and asked for again.
 */
export async function openSuggestions(page: Page): Promise<void> {
  const rows = page.locator('.editor-widget.suggest-widget.visible .monaco-list-row');
  const deadline = Date.now() + uiTimeoutMs;
  for (;;) {
    await page.keyboard.press('Control+Space');
    try {
      await rows.first().waitFor({ timeout: 5000 });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await closeWidgets(page);
    }
  }
}

/** Triggers suggestions at the cursor (Ctrl+Space) and returns the labels VS Code lists. */
export async function suggestions(page: Page): Promise<string[]> {
  await openSuggestions(page);
  const rows = page.locator('.editor-widget.suggest-widget.visible .monaco-list-row');
  const labels: string[] = [];
  for (const row of await rows.all()) labels.push(plain((await row.getAttribute('aria-label')) ?? ''));
  return labels;
}

export interface SuggestionRow {
  /** The item's label as the list shows it (for fieldPath: the container's name). */
  label: string;
  /** The label's detail and description, as shown beside it. */
  detail: string;
  description: string;
  /** Whether the whole label is drawn inside the list, not cut off at its right edge. */
  labelVisible: boolean;
}

/** The rows of the open suggest list, top first, as drawn. */
export async function suggestionRows(page: Page): Promise<SuggestionRow[]> {
  const widget = page.locator('.editor-widget.suggest-widget.visible');
  const rows = widget.locator('.monaco-list-row');
  await rows.first().waitFor({ timeout: uiTimeoutMs });
  const widgetBox = await widget.boundingBox();
  const result: SuggestionRow[] = [];
  for (const row of await rows.all()) {
    const name = row.locator('.label-name').first();
    const box = await name.boundingBox();
    result.push({
      label: plain(await name.innerText()),
      detail: plain(
        await row
          .locator('.signature-label')
          .first()
          .innerText()
          .catch(() => ''),
      ),
      description: plain(
        await row
          .locator('.details-label')
          .first()
          .innerText()
          .catch(() => ''),
      ),
      labelVisible: !!box && !!widgetBox && box.width > 0 && box.x + box.width <= widgetBox.x + widgetBox.width,
    });
  }
  return result;
}

/** The paragraphs and list items of the hover now shown, each as its own entry. */
export async function hoverBlocks(page: Page): Promise<string[]> {
  return (await page.locator('.monaco-hover:not(.hidden) .hover-contents').locator('p, li').allInnerTexts()).map(plain);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The status bar entry whose text (its icon aside) is `text`, once it shows up. */
export async function statusBarEntry(page: Page, text: string): Promise<Locator> {
  const entry = page
    .locator('.statusbar-item')
    .filter({ hasText: new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`) })
    .first();
  await entry.waitFor({ timeout: uiTimeoutMs });
  return entry;
}

/** Runs a command from the Command Palette (F1) by its title, as a user types it. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await closeWidgets(page);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: uiTimeoutMs });
  await input.fill(`>${title}`);
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: title })
    .first()
    .waitFor({ timeout: uiTimeoutMs });
  await page.keyboard.press('Enter');
}

/** Chooses the entry of the open quick pick whose label contains `label`. */
export async function pickQuickItem(page: Page, label: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: label })
    .first()
    .waitFor({ timeout: uiTimeoutMs });
  await input.fill(label);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: uiTimeoutMs });
}

/** Waits until the active editor's rendered text passes `until`; returns it. */
export async function waitForText(page: Page, until: (text: string) => boolean, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await visibleText(page);
    if (until(text)) return text;
    await page.waitForTimeout(250);
  }
  throw new Error(`the editor never showed the expected text; it shows:\n${text}`);
}

export async function closeWidgets(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
}

/**
 * Shows the hover at the cursor (Ctrl+K Ctrl+I) and returns its text once it contains `expected`
 * (or passes it).
 * A hover asked for before the language service answers comes back empty and Monaco does not ask
 * again by itself, so the hover is closed and asked for again until the deadline.
 */
export async function hoverText(
  page: Page,
  expected: string | RegExp | ((text: string) => boolean),
  timeoutMs = 60_000,
): Promise<string> {
  const matches =
    typeof expected === 'string'
      ? (text: string) => text.includes(expected)
      : expected instanceof RegExp
        ? (text: string) => expected.test(text)
        : expected;
  const deadline = Date.now() + timeoutMs;
  const hover = page.locator('.monaco-hover:not(.hidden) .hover-contents');
  let last = '';
  while (Date.now() < deadline) {
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    try {
      await hover.first().waitFor({ timeout: 5000 });
      last = plain((await hover.allInnerTexts()).join('\n'));
      if (matches(last)) return last;
    } catch {
      // No hover yet: ask again.
    }
    await closeWidgets(page);
    await page.waitForTimeout(500);
  }
  throw new Error(`the hover never showed ${String(expected)}; last hover text: ${JSON.stringify(last)}`);
}
