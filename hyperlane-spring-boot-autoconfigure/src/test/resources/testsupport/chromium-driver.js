// Drives headless Chromium (the Debian package) for the live view tests, through playwright-core. Reads one JSON
// command per line on standard input and answers each with one line "RESULT <json>" on standard output:
//   {"cmd":"open","url":...}                          load a page and wait for its load event
//   {"cmd":"waitFor","expression":...,"timeoutMs":N}  wait until a JavaScript expression is truthy; answers its value
//   {"cmd":"evaluate","expression":...}               answers the value of a JavaScript expression
//   {"cmd":"screenshot","path":...}                   full-page PNG
//   {"cmd":"report"}                                  console errors, page errors and requests to other origins
//   {"cmd":"quit"}
// Arguments: <playwright-core directory> <chromium executable> <fresh user data directory>.
// Exits when standard input closes, so it never outlives the JVM that started it.
'use strict';
const readline = require('readline');
const [playwrightDir, executable, userDataDir] = process.argv.slice(2);
const { chromium } = require(playwrightDir);

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

let context;
let page;
const consoleErrors = [];
const pageErrors = [];
const foreignRequests = [];

function answer(value) {
	process.stdout.write('RESULT ' + JSON.stringify(value === undefined ? null : value) + '\n');
}

async function handle(command) {
	switch (command.cmd) {
	case 'open': {
		const origin = new URL(command.url).origin;
		// leave the previous page first, so that its last requests are not counted against this one
		await page.goto('about:blank');
		consoleErrors.length = 0;
		pageErrors.length = 0;
		foreignRequests.length = 0;
		page.removeAllListeners('request');
		page.on('request', (request) => {
			const url = request.url();
			if (!url.startsWith('data:') && !url.startsWith('about:') && new URL(url).origin !== origin) {
				foreignRequests.push(url);
			}
		});
		const response = await page.goto(command.url, { waitUntil: 'load', timeout: 15000 });
		return { status: response ? response.status() : 0, headers: response ? response.headers() : {} };
	}
	case 'waitFor': {
		// polls with evaluate, which the page's Content-Security-Policy allows (waitForFunction needs eval)
		const deadline = Date.now() + (command.timeoutMs || 10000);
		for (;;) {
			const value = await page.evaluate(command.expression);
			if (value) {
				return value;
			}
			if (Date.now() > deadline) {
				throw new Error('timed out waiting for ' + command.expression);
			}
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	}
	case 'evaluate':
		return page.evaluate(command.expression);
	case 'screenshot':
		await page.screenshot({ path: command.path, fullPage: true });
		return { path: command.path };
	case 'report':
		return { consoleErrors: [...consoleErrors], pageErrors: [...pageErrors], foreignRequests: [...foreignRequests] };
	case 'quit':
		await context.close();
		answer({ quit: true });
		process.exit(0);
		return null;
	default:
		throw new Error('unknown command ' + command.cmd);
	}
}

(async () => {
	context = await chromium.launchPersistentContext(userDataDir, { executablePath: executable, headless: true,
		args: ARGS, viewport: { width: 1360, height: 900 }, deviceScaleFactor: 1 });
	page = context.pages()[0] || await context.newPage();
	page.on('console', (message) => {
		if (message.type() === 'error') {
			consoleErrors.push(message.text());
		}
	});
	page.on('pageerror', (error) => pageErrors.push(String(error)));
	answer({ ready: true, version: context.browser() ? context.browser().version() : 'persistent' });
	const lines = readline.createInterface({ input: process.stdin });
	let queue = Promise.resolve();
	lines.on('line', (line) => {
		queue = queue.then(async () => {
			try {
				answer({ ok: true, value: await handle(JSON.parse(line)) });
			}
			catch (error) {
				answer({ ok: false, error: String(error && error.stack || error) });
			}
		});
	});
	lines.on('close', () => queue.then(() => context.close()).finally(() => process.exit(0)));
})().catch((error) => {
	answer({ ok: false, error: 'could not start Chromium: ' + String(error && error.stack || error) });
	process.exit(1);
});
