// The dashboard served at / (SPEC §6.2): one static page that asks for a token and shows the
// overview and the studios from the API.
#pragma once

namespace wulian::server {

inline constexpr char kDashboardHtml[] = R"HTML(<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>五联委员工作室台账 · Wulian Ledger</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",system-ui,sans-serif;margin:2rem;color:#222}
h1{font-size:1.4rem}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}
.card{display:inline-block;border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;margin:.2rem}
.flag{background:#fde2e1;color:#a61b1b;border-radius:4px;padding:0 .3rem;margin-right:.2rem;font-size:.8rem}
</style></head><body>
<h1>五联委员工作室履职台账 · Wulian Ledger</h1>
<p><input id="token" size="72" placeholder="Bearer token (auditor or supervisor)"> <button id="go">Show</button></p>
<div id="overview"></div><table id="studios"></table>
<script>
const esc = s => String(s).replace(/[&<>"']/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;","\"":"&quot;","'":"&#39;"}[c]));
async function get(path) {
  const r = await fetch(path, {headers: {Authorization: "Bearer " + document.getElementById("token").value}});
  if (!r.ok) throw new Error(path + ": " + r.status);
  return r.json();
}
document.getElementById("go").onclick = async () => {
  try {
    const o = await get("/v1/overview");
    document.getElementById("overview").innerHTML =
      ["events","studios","members","committees"].map(k => `<span class="card">${k}: <b>${o[k]}</b></span>`).join("") +
      Object.entries(o.byFlag).map(([f,n]) => `<span class="card">${f}: <b>${n}</b></span>`).join("");
    const studios = await get("/v1/studios");
    document.getElementById("studios").innerHTML = "<tr><th>ID</th><th>名称</th><th>类型</th><th>状态</th><th>联系</th><th>协商</th><th>案件(未结)</th><th>最近活动</th><th>标记</th></tr>" +
      studios.map(s => `<tr><td>${esc(s.id)}</td><td>${esc(s.name)}</td><td>${esc(s.linkType)}</td><td>${esc(s.status)}</td>
        <td>${s.totals.contacts}</td><td>${s.totals.consultations}</td><td>${s.totals.casesOpen}</td>
        <td>${esc(s.lastActivityAt || "")}</td><td>${s.flags.map(f => `<span class="flag">${esc(f)}</span>`).join("")}</td></tr>`).join("");
  } catch (e) { document.getElementById("overview").textContent = e.message; }
};
</script></body></html>
)HTML";

}  // namespace wulian::server
