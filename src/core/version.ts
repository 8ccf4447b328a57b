/** Replaced by esbuild with package.json's version; plain-Node test builds see the fallback. */
export const PRODUCT_VERSION: string = process.env.LARK_DL_VERSION ?? '0.0.0-dev';

export const USER_AGENT = `lark-downloader/${PRODUCT_VERSION} (node ${process.version})`;
