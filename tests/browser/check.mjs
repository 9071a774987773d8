// Checks the built example site in headless Chromium as a reader would meet it.
// Usage: node check.mjs <base address of the served site> <screenshot folder>
// Prints one line per check and "N passed, N failed"; exits 1 if any check failed.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const [base, shots] = process.argv.slice(2);
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
const origin = new URL(base).origin;
const foreign = [];
const missing = [];
browser.on("request", (request) => {
  const url = request.url();
  if (!url.startsWith(origin) && !url.startsWith("data:")) foreign.push(url);
});
browser.on("response", (response) => {
  if (response.status() >= 400 && !response.url().endsWith("/404.html")) missing.push(`${response.status()} ${response.url()}`);
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
  return { page, errors, status: response.status() };
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

// Search works from the static index alone and leads to a comment's permalink; it passes axe-core too.
{
  const { page, errors } = await open("search/?q=staircase");
  await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0, null, { timeout: 10000 });
  const first = await page.locator("#search-results li a").first().getAttribute("href");
  check("search finds a word of the example", first !== null, first ?? "no result");
  await page.fill("#search-input", "Athena Loopstra");
  await page.press("#search-input", "Enter");
  await page.waitForFunction(() => /result/.test(document.querySelector("#search-status").innerText), null, { timeout: 10000 });
  const links = await page.locator("#search-results li a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  check("search by a person's name links to comment permalinks", links.some((h) => /#comment-/.test(h)), links.join(" "));
  check("the search page has no console errors", errors.length === 0, errors.join("; "));
  const violations = await axe(page);
  check("the search page has no serious or critical axe-core violations", violations.length === 0, violations.join("; "));
  await page.close();
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

check("no request left the site's own host", foreign.length === 0, foreign.join(", "));
check("no request failed (favicon included)", missing.length === 0, missing.join(", "));
await browser.close();
rmSync(profile, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
