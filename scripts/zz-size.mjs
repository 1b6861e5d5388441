import * as esbuild from "esbuild";
import { gzipSync } from "node:zlib";
const r = await esbuild.build({ stdin: { contents: 'import { createZApiClient } from "zapi-client"; globalThis.c = createZApiClient;', resolveDir: "/work/main", loader: "js" }, bundle: true, minify: true, format: "esm", platform: "neutral", write: false, metafile: true });
const code = r.outputFiles[0].contents; console.log("total", code.byteLength, gzipSync(code, {level: 9}).byteLength);
const out = Object.values(r.metafile.outputs)[0];
for (const [k, v] of Object.entries(out.inputs).sort((a,b)=>b[1].bytesInOutput-a[1].bytesInOutput).slice(0,12)) console.log(v.bytesInOutput, k);
