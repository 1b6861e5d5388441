import { createRedactor } from "./rold-tmp.ts";
const ODD_TOKEN = "Yh2Nm5ö/+%\"\\&=?#!~'(*)é-odd", ODD_CT = "Rb6Tc1\"\\/+%&=?#!~'(*)<>;-odd", T = "Vq8Xz3tok9f8e7d6c5b4a3", C = "Wk4Jy7cli1a2b3c4d5e6f7";
const text = "x".repeat(65536 - 40) + encodeURIComponent(ODD_TOKEN).slice(0, 30);
for (const secrets of [[T, C], [ODD_TOKEN, ODD_CT]]) {
  let t = performance.now();
  const r = createRedactor(secrets);
  const made = performance.now() - t;
  t = performance.now(); r.text(text); const first = performance.now() - t;
  t = performance.now(); for (let i = 0; i < 20; i++) r.text(text); const each = (performance.now() - t) / 20;
  t = performance.now(); r.cutText(text); const cut1 = performance.now() - t;
  t = performance.now(); for (let i = 0; i < 20; i++) r.cutText(text); const cutEach = (performance.now() - t) / 20;
  console.log(secrets[0].slice(0, 6), { made: made.toFixed(2), first: first.toFixed(1), each: each.toFixed(2), cut1: cut1.toFixed(1), cutEach: cutEach.toFixed(2) });
}
