// Checks the built example site in headless Chromium as a reader would meet it.
// Usage: node check.mjs <base address of the served site> <screenshot folder> [<copy served> <copy on disk>]
// The copy is the example built with 5 to a page, served from another folder and as a file:// address.
// Prints one line per check and "N passed, N failed"; exits 1 if any check failed.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// Optional: the address of a copy of the example with a hostile comment, the built site's folder on
// disk, and a copy of the example served from another folder and opened from the disk.
const [base, shots, hostile, siteDir, copyServed, copyOnDisk] = process.argv.slice(2);
if (!base || !shots) {
  console.error("usage: node check.mjs <site address ending in /> <screenshot folder>");
  process.exit(2);
}

const pages = {
  index: "",
  reading: "readings/trust-in-teams/",
  author: "authors/claire-dufresne/",
  tag: "tags/trust/",
};
const readingWithDeepThread = "readings/leader-rounding/";

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) {
    passed += 1;
    console.log(`ok   ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL ${name}${detail ? `: ${detail}` : ""}`);
  }
}

// A fresh profile each run, so nothing from an earlier run (or from a person's own Chromium) leaks in.
const profile = mkdtempSync(join(tmpdir(), "roundtable-chromium-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});

// Every request must stay on the site's own host: the theme makes no third-party requests; and none
// may fail (a missing favicon would log a 404 on every page). 404.html is asked for on purpose.
const own = [new URL(base).origin, copyServed && new URL(copyServed).origin, copyOnDisk].filter(Boolean);
const foreign = [];
const missing = [];
browser.on("request", (request) => {
  const url = request.url();
  if (!own.some((start) => url.startsWith(start)) && !url.startsWith("data:") && !url.startsWith("file:")) foreign.push(url);
});
browser.on("response", (response) => {
  if (response.status() >= 400 && !response.url().endsWith("/404.html")) missing.push(`${response.status()} ${response.url()}`);
});
// From the disk there is no status: a file that is not there is a failed request.
browser.on("requestfailed", (request) => {
  const reason = request.failure()?.errorText ?? "";
  if (reason !== "net::ERR_ABORTED") missing.push(`${reason} ${request.url()}`);
});

async function open(path, { width = 1280, height = 900, scheme = "light" } = {}) {
  const page = await browser.newPage();
  await page.setViewportSize({ width, height });
  await page.emulateMedia({ colorScheme: scheme });
  const errors = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  const response = await page.goto(new URL(path, base).href, { waitUntil: "load" });
  return { page, errors, status: response?.status() ?? 0 };
}

async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
}

// Each page in both colour schemes: loads, no console errors, axe-core finds nothing serious.
for (const [name, path] of Object.entries(pages)) {
  for (const scheme of ["light", "dark"]) {
    const { page, errors, status } = await open(path, { scheme });
    check(`${name} (${scheme}) loads`, status === 200, `status ${status}`);
    check(`${name} (${scheme}) has no console errors`, errors.length === 0, errors.join("; "));
    const violations = await axe(page);
    check(`${name} (${scheme}) has no serious or critical axe-core violations`, violations.length === 0, violations.join("; "));
    await page.close();
  }
}

// A permalink scrolls to its comment and highlights it.
{
  const target = "comment-c3";
  const { page } = await open(`${pages.reading}#${target}`, { height: 700 });
  const state = await page.evaluate((id) => {
    const element = document.getElementById(id);
    const box = element.getBoundingClientRect();
    return {
      matchesTarget: element.matches(":target"),
      inView: box.top >= 0 && box.top < window.innerHeight,
      scrolled: window.scrollY > 0,
      background: getComputedStyle(element).backgroundColor,
      reply: getComputedStyle(element.querySelector(":scope > .replies")).backgroundColor,
      pageBackground: getComputedStyle(document.body).backgroundColor,
      // The highlight is one box: the avatar, the header and the text all lie inside it.
      covers: [":scope > header .avatar", ":scope > header .comment-meta", ":scope > .comment-body"].every((part) => {
        const inner = element.querySelector(part).getBoundingClientRect();
        return inner.left >= box.left && inner.right <= box.right && inner.top >= box.top && inner.bottom <= box.bottom;
      }),
    };
  }, target);
  check("a permalink targets its comment", state.matchesTarget);
  check("a permalink scrolls its comment into view", state.scrolled && state.inView, JSON.stringify(state));
  check(
    "the targeted comment is highlighted",
    state.background !== state.pageBackground && state.background !== "rgba(0, 0, 0, 0)",
    state.background,
  );
  check("its replies are not highlighted", state.reply !== state.background, state.reply);
  check("the highlight covers the whole comment, avatar included", state.covers);
  await page.close();
}

// A subthread collapses (its replies are hidden) and expands again, with no script on the page.
{
  const { page } = await open(pages.reading);
  const scripts = await page.locator("script").count();
  check("pages carry no script", scripts === 0, `${scripts} script elements`);
  const details = page.locator("#comment-c3 > details.replies");
  const firstReply = page.locator("#comment-c3 > details.replies > article").first();
  check("a subthread starts open", (await details.getAttribute("open")) !== null && (await firstReply.isVisible()));
  await details.locator("> summary").click();
  check("clicking its summary collapses the replies", !(await firstReply.isVisible()));
  check("a collapsed subthread says how many replies it hides", /\d+ repl/.test(await details.locator("> summary").innerText()));
  await details.locator("> summary").click();
  check("clicking again expands the replies", await firstReply.isVisible());
  await page.close();
}

// Print: no navigation, every reply printed even in a collapsed subthread, link addresses written out.
{
  const { page } = await open(pages.reading);
  await page.locator("#comment-c3 > details.replies > summary").click();
  await page.emulateMedia({ media: "print" });
  const print = await page.evaluate(() => {
    const shown = (el) => el.checkVisibility();
    const link = document.querySelector(".source a[href^='http'], .comment-body a[href^='http']");
    return {
      nav: shown(document.querySelector("body > header nav")),
      footer: shown(document.querySelector("body > footer")),
      folded: shown(document.querySelector("#comment-c3 > details.replies > article")),
      address: link ? getComputedStyle(link, "::after").content : "no external link",
    };
  });
  check("print hides the navigation and footer", !print.nav && !print.footer, JSON.stringify(print));
  check("print shows the replies of a collapsed subthread", print.folded);
  check("print writes out link addresses", print.address.includes("http"), print.address);
  await page.close();
}

// Keyboard: the skip link is the first stop and shows a visible focus ring.
{
  const { page } = await open(pages.reading);
  await page.keyboard.press("Tab");
  const focus = await page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return { skip: el.classList.contains("skip-link"), onScreen: box.top >= 0 && box.bottom > 0, outline: style.outlineStyle };
  });
  check("Tab first reaches a visible skip link", focus.skip && focus.onScreen, JSON.stringify(focus));
  await page.keyboard.press("Tab");
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  check("focused links show an outline", ring !== "none", ring);
  await page.close();
}

// Phones: no horizontal scroll at 360 px on any page, and deep replies name who they answer.
for (const width of [320, 360]) {
  for (const path of [...Object.values(pages), readingWithDeepThread, "authors/", "tags/", "404.html"]) {
    const { page } = await open(path, { width, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(`/${path} has no horizontal scroll at ${width} px`, overflow <= 0, `${overflow}px too wide`);
    await page.close();
  }
}
{
  const { page } = await open(readingWithDeepThread, { width: 360, height: 740 });
  const deep = await page.evaluate(() => {
    const comments = [...document.querySelectorAll("article.comment.level-4, article.comment.level-5")];
    const left = (el) => el.getBoundingClientRect().left;
    return {
      count: comments.length,
      named: comments.every((c) => {
        const note = c.querySelector(":scope > header .in-reply-to");
        return note && note.checkVisibility() && /in reply to \S/.test(note.innerText);
      }),
      indentStops: comments.every((c) => Math.abs(left(c) - left(c.closest(".level-3"))) < 1),
    };
  });
  check("the example has replies deeper than level 3", deep.count > 0);
  check("on a phone, deep replies say whom they answer", deep.named);
  check("on a phone, deep replies stop indenting", deep.indentStops);
  await page.close();
}

// Search: roundtable's index in small files, DOM-only results, filters, keyboard, both schemes.
async function searchFor(page, words) {
  await page.waitForSelector("#search-form[data-ready]", { timeout: 15000 });
  await page.fill("#search-input", words);
  await page.press("#search-input", "Enter");
  await page.waitForFunction(() => /result|Nothing/.test(document.querySelector("#search-status").innerText), null, { timeout: 15000 });
  await page.waitForFunction(() => {
    const status = document.querySelector("#search-status").innerText;
    const count = /^(\d+) result/.exec(status);
    return !count || document.querySelectorAll("#search-results li").length >= Math.min(Number(count[1]), 10);
  }, null, { timeout: 15000 });
  return page.locator("#search-results li").evaluateAll((items) => items.map((li) => ({
    href: li.querySelector("a").getAttribute("href"),
    title: li.querySelector("a").textContent,
    html: li.innerHTML,
  })));
}
{
  // The last word of the longest comment on a reading: the old index cut texts at 300 characters.
  const { page: reading } = await open(pages.reading);
  const longest = await reading.evaluate(() => {
    const bodies = [...document.querySelectorAll("article.comment > .comment-body")];
    const body = bodies.sort((a, b) => b.innerText.length - a.innerText.length)[0];
    const words = body.querySelector(":scope > p:last-of-type").innerText.match(/[A-Za-z]+/g);
    return { id: body.closest("article").id, length: body.innerText.length, words: words.slice(-3).join(" ") };
  });
  await reading.close();
  // As a phrase ("..."), so that the comment is among the first results.
  const { page, errors } = await open(`search/?q=${encodeURIComponent(`"${longest.words}"`)}`);
  await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0, null, { timeout: 15000 });
  const found = await page.locator("#search-results li a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  const wanted = found.find((href) => href.endsWith(`${pages.reading}#${longest.id}`));
  check(`the last words of a ${longest.length}-character comment ("${longest.words}") find it`, Boolean(wanted), found.join(" "));
  const marked = await page.locator("#search-results li mark").count();
  check("the word found is highlighted in the excerpt", marked > 0);
  if (wanted) {
    await page.locator(`#search-results li a[href="${wanted}"]`).click();
    await page.waitForURL((url) => url.hash === `#${longest.id}`, { timeout: 10000 });
    const target = await page.evaluate((id) => document.getElementById(id)?.matches(":target") ?? false, longest.id);
    check("its link lands on the comment's permalink", target, page.url());
  }
  check("the search page has no console errors", errors.length === 0, errors.join("; "));
  await page.close();
}
{
  const { page } = await open("search/");
  const all = await searchFor(page, "team");
  await page.locator("#search-options > summary").click();
  await page.waitForFunction(() => document.querySelectorAll("#search-person option").length > 1, null, { timeout: 15000 });
  const option = page.locator("#search-person option").nth(1);
  const value = await option.getAttribute("value");
  const person = (await option.textContent()).replace(/ \(\d+\)$/, "");
  await page.selectOption("#search-person", value);
  await page.waitForFunction(() => !/Searching/.test(document.querySelector("#search-status").innerText), null, { timeout: 15000 });
  const narrowed = await searchFor(page, "team");
  check(
    `a person filter narrows the results (${all.length} to ${narrowed.length}, all by ${person})`,
    narrowed.length > 0 && narrowed.length < all.length &&
      narrowed.every((r) => r.title.includes(person) || !/#comment-/.test(r.href)),
    narrowed.map((r) => r.title).join(" | "),
  );
  check("the filter is kept in the address", new URL(page.url()).searchParams.get("person") === value, page.url());
  await page.selectOption("#search-kind", "readings");
  const readings = await searchFor(page, "");
  check("readings only shows readings", readings.length > 0 && readings.every((r) => !/#comment-/.test(r.href)), readings.map((r) => r.href).join(" "));
  await page.close();
}
// Keyboard only: Tab to the search box, type, Enter, Tab to the first result, Enter.
{
  const { page } = await open("search/");
  let tabs = 0;
  while (tabs < 20 && !(await page.evaluate(() => document.activeElement?.id === "search-input"))) {
    await page.keyboard.press("Tab");
    tabs += 1;
  }
  check("Tab reaches the search box", tabs < 20, `${tabs} presses`);
  await page.waitForSelector("#search-form[data-ready]", { timeout: 15000 });
  await page.keyboard.type("feedback");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelectorAll("#search-results li a").length > 0, null, { timeout: 15000 });
  const announced = await page.evaluate(() => {
    const status = document.querySelector("#search-status");
    return status.getAttribute("aria-live") === "polite" && /\d+ results? for “feedback”/.test(status.innerText) ? status.innerText : "";
  });
  check("the number of results is announced", announced !== "", announced);
  let reached = false;
  for (let i = 0; i < 12 && !reached; i += 1) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement?.closest("#search-results") !== null);
  }
  check("Tab reaches the first result", reached);
  const href = await page.evaluate(() => document.activeElement.getAttribute("href"));
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.href.endsWith(href), { timeout: 10000 });
  check("Enter on a result opens it", page.url().endsWith(href), page.url());
  await page.close();
}
for (const scheme of ["light", "dark"]) {
  const { page } = await open("search/?q=trust", { scheme });
  await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0, null, { timeout: 15000 });
  await page.locator("#search-options > summary").click();
  const violations = await axe(page);
  check(`the search page with results (${scheme}) has no serious or critical axe-core violations`, violations.length === 0, violations.join("; "));
  await page.close();
}
{
  const { page } = await open("search/?q=trust", { width: 320, height: 740 });
  await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0, null, { timeout: 15000 });
  await page.locator("#search-options > summary").click();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check("the search page with results and filters has no horizontal scroll at 320 px", overflow <= 0, `${overflow}px too wide`);
  await page.close();
}
// A hostile comment (run.sh adds one to a copy of the example, built under /hostile/) shows as text.
if (hostile) {
  const { page, errors } = await open(`${hostile}search/?q=zebracorn`);
  await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0, null, { timeout: 15000 });
  const results = await page.locator("#search-results li").evaluateAll((items) => items.map((li) => ({
    text: li.innerText,
    elements: [...li.querySelectorAll("*")].map((e) => e.localName),
  })));
  const allowed = new Set(["h2", "a", "p", "mark"]);
  check("hostile text in a comment adds no element to the results", results.every((r) => r.elements.every((e) => allowed.has(e))), JSON.stringify(results));
  check("hostile text in a comment shows as text", results.some((r) => r.text.includes("<img src=x onerror=window.__pwned=true>") && r.text.includes("<i>Mallory</i>")), JSON.stringify(results.map((r) => r.text)));
  check("the hostile text ran nothing", !(await page.evaluate(() => window.__pwned === true)) && errors.length === 0, errors.join("; "));
  await page.close();
}
// Opened from the disk, the page says search needs a web server.
if (siteDir) {
  const page = await browser.newPage();
  await page.goto(`file://${siteDir}/search/index.html?q=trust`);
  const said = await page.locator("#search-status").innerText();
  check("opened from file://, the search page says it needs a web server", /web server/.test(said), said);
  await page.close();
}
// With JavaScript off, the page says so and points to people and topics.
{
  const plain = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
  const context = await plain.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${base}search/`);
  const said = await page.locator("#search-status").innerText();
  const links = await page.locator("#search-status a").count();
  check("without JavaScript, the search page says so and links to people and topics", /JavaScript/.test(said) && links === 2, said);
  await plain.close();
}

// Theme details: counts as the report counts them, a mention card names its writer, dates never break.
{
  const { page } = await open(pages.author, { width: 360, height: 740 });
  const detail = await page.evaluate(() => ({
    counts: document.querySelector(".profile .meta").innerText,
    mention: [...document.querySelectorAll("#mentioned-heading ~ .comment-card .meta")].map((m) => m.innerText),
  }));
  check("a person's page counts reflections and replies apart", /reflection/.test(detail.counts) && /repl/.test(detail.counts), detail.counts);
  check("a mention card names its writer", detail.mention.length > 0 && detail.mention.every((m) => /^by \S/.test(m)), detail.mention.join(" | "));
  await page.close();
}
for (const path of [pages.reading, pages.author, readingWithDeepThread]) {
  const { page } = await open(path, { width: 320, height: 740 });
  const broken = await page.evaluate(() =>
    [...document.querySelectorAll("time")].filter((t) => t.checkVisibility() && t.getClientRects().length > 1).map((t) => t.innerText),
  );
  check(`/${path}: no date breaks across lines at 320 px`, broken.length === 0, broken.join(" | "));
  await page.close();
}
{
  const { page } = await open(pages.tag);
  const current = await page.evaluate(() => document.querySelector("header nav a[aria-current=page]")?.innerText ?? "");
  check("a tag page marks Topics as current", current === "Topics", current);
  check("a tag page lists the reflections on its readings", (await page.locator("#tag-reflections ~ .comment-card").count()) > 0);
  await page.close();
}

// The French fixture site: its words, its dates, axe-core in both schemes.
{
  for (const scheme of ["light", "dark"]) {
    const { page, errors, status } = await open("../cohorte/lectures/confiance/", { scheme });
    check(`French reading (${scheme}) loads`, status === 200, `status ${status}`);
    const french = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      nav: document.querySelector("header nav").innerText,
      text: document.body.innerText,
    }));
    check(`French reading (${scheme}) is in French`, french.lang === "fr-CA" && /Personnes/.test(french.nav) && /Thèmes/.test(french.nav), JSON.stringify(french.nav));
    check(`French reading (${scheme}) writes dates and counts in French`, /lundi 5 septembre 2011/.test(french.text) && /2 réponses/.test(french.text) && /1 réponse/.test(french.text));
    check(`French reading (${scheme}) has no console errors`, errors.length === 0, errors.join("; "));
    const violations = await axe(page);
    check(`French reading (${scheme}) has no serious or critical axe-core violations`, violations.length === 0, violations.join("; "));
    await page.close();
  }
}

// The French site's search: its words from the translation files, stems found without a stemmer in
// the browser ("accords" is in no text; "accord" is), results in French.
{
  const { page, errors } = await open("../cohorte/search/?q=accords");
  await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0, null, { timeout: 15000 });
  const said = await page.evaluate(() => ({
    status: document.querySelector("#search-status").innerText,
    title: document.querySelector("#search-results li a").textContent,
    href: document.querySelector("#search-results li a").getAttribute("href"),
    label: document.querySelector("label[for=search-input]").innerText,
  }));
  check("the French search page finds a word by its stem, in French", /^1 résultat pour « accords »/.test(said.status) && /^Réflexion de /.test(said.title) && /\/cohorte\/lectures\/confiance\/#comment-/.test(said.href), JSON.stringify(said));
  check("the French search page has no console errors", errors.length === 0, errors.join("; "));
  const violations = await axe(page);
  check("the French search page has no serious or critical axe-core violations", violations.length === 0, violations.join("; "));
  await page.close();
}

// The private report: both schemes, axe-core, and no sideways scroll at 360 px (its grid scrolls inside its box).
for (const scheme of ["light", "dark"]) {
  const { page, status } = await open("../private-report/participation.html", { width: 360, height: 740, scheme });
  check(`the report (${scheme}) loads`, status === 200, `status ${status}`);
  const state = await page.evaluate(() => ({
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    background: getComputedStyle(document.body).backgroundColor,
    groups: [...document.querySelectorAll("h2")].map((h) => h.innerText),
  }));
  check(`the report (${scheme}) has no horizontal scroll at 360 px`, state.overflow <= 0, `${state.overflow}px too wide`);
  check(`the report (${scheme}) follows the colour scheme`, scheme === "dark" ? state.background !== "rgb(255, 255, 255)" : state.background === "rgb(255, 255, 255)", state.background);
  check(`the report (${scheme}) has members, guests and facilitators apart`, ["Members", "Guests", "Facilitators"].every((g) => state.groups.includes(g)), state.groups.join(", "));
  const violations = await axe(page);
  check(`the report (${scheme}) has no serious or critical axe-core violations`, violations.length === 0, violations.join("; "));
  await page.close();
}

// Screenshots for the README (docs/screenshots/): phone and desktop, light and dark.
for (const [file, path, width, height, scheme] of [
  ["reading-desktop-light.png", `${pages.reading}#discussion`, 1280, 900, "light"],
  ["index-desktop-dark.png", pages.index, 1280, 900, "dark"],
  ["reading-phone-light.png", `${pages.reading}#discussion`, 390, 844, "light"],
  ["thread-phone-dark.png", `${readingWithDeepThread}#comment-c3`, 390, 844, "dark"],
]) {
  const { page } = await open(path, { width, height, scheme });
  await page.screenshot({ path: join(shots, file) });
  await page.close();
}

// The copy, opened from the disk and served from another folder: every link is relative, so both
// work: styles, a reading, a person's page and a comment permalink from it, page 2 of a list, home.
async function follow(page, locator) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), locator.click()]);
  return page.evaluate(() => ({
    url: location.href,
    hash: location.hash,
    target: document.querySelector(":target")?.id ?? "",
    themed: !!document.querySelector("body > header.site-header"),
  }));
}

async function wander(label, start, fromDisk) {
  const { page, errors } = await open(`${start}index.html`);
  const styled = await page.evaluate(() => ({
    skip: getComputedStyle(document.querySelector(".skip-link")).position,
    header: getComputedStyle(document.querySelector(".site-header .wrap")).display,
  }));
  check(`${label}: the stylesheet applies`, styled.skip === "absolute" && styled.header === "flex", JSON.stringify(styled));
  const reading = await follow(page, page.locator(".card-title a").first());
  const comments = await page.locator("article.comment").count();
  check(`${label}: a reading link opens the reading`, reading.themed && reading.url.endsWith("/index.html") && comments > 0, JSON.stringify(reading));
  const person = await follow(page, page.locator("article.comment a.person").first());
  check(`${label}: a writer's link opens their page`, person.themed && /\/authors\/[^/]+\/index\.html$/.test(person.url), JSON.stringify(person));
  const permalink = await follow(page, page.locator("a.comment-link").first());
  check(`${label}: a comment permalink opens its comment`, permalink.hash.startsWith("#comment-") && permalink.target === permalink.hash.slice(1), JSON.stringify(permalink));
  await follow(page, page.locator("header nav a", { hasText: "People" }));
  const second = await follow(page, page.locator("nav.pagination a[rel=next]").first());
  const current = await page.locator("nav.pagination [aria-current=page]").innerText();
  check(`${label}: a page-2 link opens page 2`, second.url.endsWith("/authors/page/2/index.html") && /2/.test(current), JSON.stringify({ ...second, current }));
  const previous = await page.evaluate(() => document.querySelector("link[rel=prev]")?.href ?? "");
  check(`${label}: page 2's rel=prev names the first page's file`, previous.endsWith("/authors/index.html"), previous);
  const home = await follow(page, page.locator("a.site-title"));
  check(`${label}: the site's title leads home`, home.url === `${start}index.html`, home.url);
  const feed = await page.evaluate(() => document.querySelector("link[rel=alternate]")?.href ?? "");
  check(`${label}: the feed is announced from beside the page`, feed === `${start}atom.xml`, feed);
  check(`${label}: no console errors`, errors.length === 0, errors.join("; "));
  await page.close();

  const search = await open(`${start}search/index.html`);
  if (fromDisk) {
    const said = await search.page.locator("#search-status").innerText();
    check(`${label}: search says plainly it needs a web server`, /web server/.test(said), said);
    const people = await follow(search.page, search.page.locator("#search-status a").first());
    check(`${label}: and offers browsing people instead`, people.url.endsWith("/authors/index.html") && people.themed, people.url);
  } else {
    await search.page.fill("#search-input", "staircase");
    await search.page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0, null, { timeout: 10000 });
    const found = await follow(search.page, search.page.locator("#search-results li a").first());
    check(`${label}: search reads its index and its results open`, found.themed && found.url.startsWith(start), JSON.stringify(found));
  }
  check(`${label}: the search page has no console errors`, search.errors.length === 0, search.errors.join("; "));
  await search.page.close();
}
if (copyServed && copyOnDisk) {
  await wander("served from another folder", copyServed, false);
  await wander("opened from the disk", copyOnDisk, true);
}

check("no request left the site's own host", foreign.length === 0, foreign.join(", "));
check("no request failed (favicon included)", missing.length === 0, missing.join(", "));
await browser.close();
rmSync(profile, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
