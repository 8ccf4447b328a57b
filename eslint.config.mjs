// Type-aware lint; src/core and src/cli must stay free of `vscode` so they run in plain Node, and imports follow the layers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const NO_VSCODE = { name: 'vscode', message: 'src/core, src/cli and unit tests run in plain Node: no vscode import.' };

export default tseslint.config(
	{ ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '.cache/**'] },
	js.configs.recommended,
	...tseslint.configs.recommendedTypeChecked,
	{
		files: ['**/*.ts'],
		languageOptions: {
			parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
		},
		rules: {
			curly: 'error',
			eqeqeq: 'error',
			'no-throw-literal': 'error',
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/await-thenable': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
		},
	},
	// The directions of the architecture (docs/architecture.md): core knows no front end, the CLI knows no
	// extension, and inside the extension the tree does not reach into commands nor services into the tree.
	{
		files: ['test/unit/**/*.ts', 'test/support/**/*.ts'],
		rules: { 'no-restricted-imports': ['error', { paths: [NO_VSCODE] }] },
	},
	{
		files: ['src/core/**/*.ts'],
		rules: { 'no-restricted-imports': ['error', { paths: [NO_VSCODE], patterns: [{ group: ['**/cli/**', '**/extension/**'], message: 'src/core serves both front ends and imports neither.' }] }] },
	},
	{
		files: ['src/cli/**/*.ts'],
		rules: { 'no-restricted-imports': ['error', { paths: [NO_VSCODE], patterns: [{ group: ['**/extension/**'], message: 'The CLI does not import the extension; shared flows live in src/core.' }] }] },
	},
	{
		files: ['src/extension/views/**/*.ts'],
		rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/commands/**'], message: 'Views render the model; commands call views, not the other way round.' }] }] },
	},
	{
		files: ['src/extension/services/**/*.ts', 'src/extension/storage/**/*.ts', 'src/extension/platform/**/*.ts'],
		rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/views/**', '**/commands/**'], message: 'Services, storage and platform sit below the tree and the commands.' }] }] },
	},
	{
		files: ['**/*.js', '**/*.mjs'],
		...tseslint.configs.disableTypeChecked,
	},
	{
		files: ['**/*.js', '**/*.mjs'],
		languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
		rules: { '@typescript-eslint/no-require-imports': 'off' },
	},
	{ files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
);
