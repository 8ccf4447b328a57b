#!/usr/bin/env node
// `npm run l10n`: collects the runtime strings of the extension into l10n/bundle.l10n.json, the English bundle
// VS Code's `vscode.l10n` API reads (package.json "l10n": "./l10n"). Each message is the first argument of a
// `vscode.l10n.t(…)` call in src/**/*.ts (src/core and src/cli are vscode-free and skipped); the bundle maps
// every message to itself, sorted, like @vscode/l10n-dev does for string keys. Translations live next to it in
// l10n/bundle.l10n.<locale>.json (see docs/l10n.md).
//   node scripts/extract-l10n.js            write l10n/bundle.l10n.json
//   node scripts/extract-l10n.js --check    exit 1 and list the differences if the file is not up to date
//   --root DIR                               scan DIR/src and write DIR/l10n instead of this checkout (tests)
// A call whose first argument is not a plain string literal (a variable, a concatenation, a template literal
// with ${…}) cannot be extracted and fails the run: pass the values as {0}, {1}… arguments instead.
// Parsing uses the TypeScript compiler the project already depends on, so comments, regular expressions and
// escapes (\', \n, \u…) are read exactly as tsc reads them.
'use strict';
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const SKIPPED_DIRS = ['src/core', 'src/cli'];
const BUNDLE = path.join('l10n', 'bundle.l10n.json');

/** Every src/**\/*.ts under `root` outside src/core and src/cli, as sorted repo-relative paths with `/`. */
function sourceFiles(root) {
	const files = [];
	const walk = (relative) => {
		for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
			const child = `${relative}/${entry.name}`;
			if (entry.isDirectory()) {
				if (!SKIPPED_DIRS.includes(child)) {
					walk(child);
				}
			} else if (entry.isFile() && child.endsWith('.ts') && !child.endsWith('.d.ts')) {
				files.push(child);
			}
		}
	};
	walk('src');
	return files.sort();
}

/** `vscode.l10n.t` (or a bare `l10n.t`): the property access that names the translate function. */
function isL10nT(node) {
	if (!ts.isPropertyAccessExpression(node) || node.name.text !== 't') {
		return false;
	}
	const owner = node.expression;
	return (ts.isPropertyAccessExpression(owner) && owner.name.text === 'l10n') || (ts.isIdentifier(owner) && owner.text === 'l10n');
}

/**
 * The messages of one source file, in order, and the problems with calls that cannot be extracted.
 * `file` only labels the problems (`file:line:column`).
 */
function messagesOf(text, file) {
	const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
	const messages = [];
	const problems = [];
	const where = (node) => {
		const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
		return `${file}:${line + 1}:${character + 1}`;
	};
	const visit = (node) => {
		if (isL10nT(node)) {
			const call = node.parent;
			if (!ts.isCallExpression(call) || call.expression !== node) {
				problems.push(`${where(node)}: ${node.getText(source)} is used other than as a direct call, so its messages cannot be extracted`);
			} else {
				const first = call.arguments[0];
				if (first === undefined) {
					problems.push(`${where(call)}: ${node.getText(source)}() has no message argument`);
				} else if (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)) {
					messages.push(first.text);
				} else {
					const kind = ts.isTemplateExpression(first) ? 'a template literal with ${…}' : `\`${first.getText(source).slice(0, 60)}\``;
					problems.push(`${where(first)}: the message of ${node.getText(source)}() must be a plain string literal, not ${kind}; pass values as {0}, {1}… arguments`);
				}
			}
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return { messages, problems };
}

/** All messages under `root` as the bundle object (sorted keys, each message mapped to itself), plus problems. */
function extract(root) {
	const all = new Set();
	const problems = [];
	for (const file of sourceFiles(root)) {
		const result = messagesOf(fs.readFileSync(path.join(root, file), 'utf8'), file);
		result.messages.forEach((message) => all.add(message));
		problems.push(...result.problems);
	}
	const bundle = {};
	for (const message of [...all].sort()) {
		bundle[message] = message;
	}
	return { bundle, problems };
}

/** The file text written for a bundle: 2-space JSON and a final newline, like package.nls.json. */
function format(bundle) {
	return `${JSON.stringify(bundle, undefined, 2)}\n`;
}

/** Differences between the bundle on disk (text, or undefined when missing) and the expected one; [] when current. */
function differences(expected, actualText) {
	if (actualText === undefined) {
		return [`${BUNDLE} does not exist`];
	}
	let actual;
	try {
		actual = JSON.parse(actualText);
	} catch (error) {
		return [`${BUNDLE} is not valid JSON: ${error.message}`];
	}
	const diffs = [];
	for (const key of Object.keys(expected)) {
		if (!Object.hasOwn(actual, key)) {
			diffs.push(`missing: ${JSON.stringify(key)}`);
		} else if (actual[key] !== key) {
			diffs.push(`wrong value for ${JSON.stringify(key)}: ${JSON.stringify(actual[key])}`);
		}
	}
	for (const key of Object.keys(actual)) {
		if (!Object.hasOwn(expected, key)) {
			diffs.push(`no longer used: ${JSON.stringify(key)}`);
		}
	}
	if (diffs.length === 0 && actualText !== format(expected)) {
		diffs.push(`${BUNDLE} has the right messages but not in the generated order or layout`);
	}
	return diffs;
}

module.exports = { extract, messagesOf, sourceFiles, format, differences };

if (require.main === module) {
	const args = process.argv.slice(2);
	const check = args.includes('--check');
	const at = args.indexOf('--root');
	const root = path.resolve(at >= 0 && args[at + 1] ? args[at + 1] : path.join(__dirname, '..'));
	const unknown = args.filter((arg, i) => arg !== '--check' && !(arg === '--root' || (at >= 0 && i === at + 1)));
	if (unknown.length > 0) {
		console.error(`extract-l10n: unknown argument ${unknown[0]} (usage: node scripts/extract-l10n.js [--check] [--root DIR])`);
		process.exit(2);
	}
	const { bundle, problems } = extract(root);
	if (problems.length > 0) {
		console.error(`extract-l10n: ${problems.length} vscode.l10n.t call(s) cannot be extracted:\n  ${problems.join('\n  ')}`);
		process.exit(1);
	}
	const file = path.join(root, BUNDLE);
	const count = Object.keys(bundle).length;
	if (check) {
		const diffs = differences(bundle, fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
		if (diffs.length > 0) {
			console.error(`extract-l10n: ${BUNDLE} is out of date (run \`node scripts/extract-l10n.js\`, then translate new keys in l10n/bundle.l10n.*.json):\n  ${diffs.join('\n  ')}`);
			process.exit(1);
		}
		console.log(`extract-l10n: ${BUNDLE} is up to date (${count} messages)`);
	} else {
		fs.mkdirSync(path.dirname(file), { recursive: true });
		fs.writeFileSync(file, format(bundle));
		console.log(`extract-l10n: wrote ${count} messages to ${BUNDLE}`);
	}
}
