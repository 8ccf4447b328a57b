// Type-aware lint; src/core and src/cli must stay free of `vscode` so they run in plain Node.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
	{
		files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'test/unit/**/*.ts', 'test/support/**/*.ts'],
		rules: {
			'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core, src/cli and unit tests run in plain Node: no vscode import.' }] }],
		},
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
