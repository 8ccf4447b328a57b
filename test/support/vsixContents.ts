// What the .vsix may hold, in one place for the packaging unit test (vsce's file list) and the .vsix suite
// (the entries of the real archive): the bundle, media, manifest, nls files, README, CHANGELOG and LICENSE.
// Not the CLI bundle (dist/cli.js: the extension does not use it), no sources, tests, maps or .part files.

/** Files every package must contain (paths relative to the extension root; vsce lower-cases README/CHANGELOG). */
export const REQUIRED_FILES = ['package.json', 'package.nls.json', 'package.nls.zh-cn.json', 'readme.md', 'changelog.md', 'license', 'dist/extension.js', 'media/lark.svg'];

const ALLOWED: readonly RegExp[] = [
	/^package\.json$/,
	/^package\.nls(\.[a-z]{2}(-[a-z]{2,4})?)?\.json$/,
	/^readme\.md$/,
	/^changelog\.md$/,
	/^license(\.txt)?$/,
	/^dist\/extension\.js$/,
	/^media\/[\w-]+(\/[\w-]+)*\.(svg|png|gif)$/,
	/^l10n\/bundle\.l10n(\.[a-z]{2}(-[a-z]{2,4})?)?\.json$/,
];

/** Problems with a package's file list (relative paths, any case), or [] when it is exactly right. */
export function packagedFileProblems(files: readonly string[]): string[] {
	const normalized = files.map((file) => file.replace(/\\/g, '/'));
	const lower = new Set(normalized.map((file) => file.toLowerCase()));
	return [
		...normalized.filter((file) => !ALLOWED.some((pattern) => pattern.test(file.toLowerCase()))).map((file) => `not allowed in the .vsix: ${file}`),
		...REQUIRED_FILES.filter((file) => !lower.has(file) && !lower.has(`${file}.txt`)).map((file) => `missing from the .vsix: ${file}`),
	];
}

/** Entry names of a ZIP archive (read from its central directory). */
export function zipEntries(archive: Buffer): string[] {
	const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
	if (end < 0) {
		throw new Error('not a ZIP archive: no end-of-central-directory record');
	}
	const count = archive.readUInt16LE(end + 10);
	let offset = archive.readUInt32LE(end + 16);
	const names: string[] = [];
	for (let i = 0; i < count; i++) {
		if (archive.readUInt32LE(offset) !== 0x02014b50) {
			throw new Error(`corrupt central directory at ${offset}`);
		}
		const nameLength = archive.readUInt16LE(offset + 28);
		const extraLength = archive.readUInt16LE(offset + 30);
		const commentLength = archive.readUInt16LE(offset + 32);
		names.push(archive.subarray(offset + 46, offset + 46 + nameLength).toString('utf8'));
		offset += 46 + nameLength + extraLength + commentLength;
	}
	return names;
}

/** Problems with a .vsix archive: its two envelope files, and everything else under extension/. */
export function vsixProblems(archive: Buffer): string[] {
	const entries = zipEntries(archive);
	const problems: string[] = [];
	for (const envelope of ['extension.vsixmanifest', '[Content_Types].xml']) {
		if (!entries.includes(envelope)) {
			problems.push(`missing from the .vsix: ${envelope}`);
		}
	}
	const outside = entries.filter((e) => !e.startsWith('extension/') && e !== 'extension.vsixmanifest' && e !== '[Content_Types].xml');
	problems.push(...outside.map((e) => `not allowed in the .vsix: ${e}`));
	return [...problems, ...packagedFileProblems(entries.filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length)))];
}
