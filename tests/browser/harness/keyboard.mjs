// Driving a page with the keyboard alone: Tab (and Shift+Tab) until the
// control has focus, then the keys a person would press. Reading the page
// (which element has focus, what a field holds) is not input, so it uses
// the DOM; every action goes through page.keyboard.
const MAX_TABS = 400;

async function focused(page, locator) {
  const handle = await locator.elementHandle({ timeout: 10_000 });
  return page.evaluate((el) => document.activeElement === el, handle);
}

// Tabs forward until `locator` has focus; fails if it is never reached
// (not in the tab order, or hidden from the keyboard).
export async function tabTo(page, locator, what = String(locator)) {
  await locator.waitFor({ state: 'visible', timeout: 15_000 });
  for (let i = 0; i < MAX_TABS; ++i) {
    if (await focused(page, locator)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${what}: not reached with ${MAX_TABS} presses of Tab`);
}

export async function press(page, locator, key = 'Enter', what) {
  await tabTo(page, locator, what);
  await page.keyboard.press(key);
}

export async function typeInto(page, locator, text, what) {
  await tabTo(page, locator, what);
  await page.keyboard.type(text, { delay: 5 });
}

// A <select>: arrow keys until the option whose text matches is chosen.
export async function chooseOption(page, locator, optionText, what) {
  await tabTo(page, locator, what);
  const count = await locator.locator('option').count();
  for (let i = 0; i <= count; ++i) {
    const chosen = await locator.evaluate((s) => s.options[s.selectedIndex]?.text ?? '');
    if (chosen.includes(optionText)) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`${what ?? 'select'}: no option "${optionText}" reached with the arrow keys`);
}
