// The one stylesheet and the one small script of the pages (served as files so the CSP can forbid inline code).
export const STYLESHEET = `
:root{--bg:#f6f7f9;--panel:#fff;--ink:#1b2330;--muted:#5d6878;--line:#e2e6ec;--brand:#2554d8;--brand-ink:#fff;--ok:#137a4b;--okbg:#e5f5ec;--warn:#9a5b00;--warnbg:#fff4dc;--bad:#b42318;--badbg:#fdecea;--radius:10px}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
a{color:var(--brand);text-decoration:none}a:hover{text-decoration:underline}
.shell{display:grid;grid-template-columns:232px 1fr;min-height:100vh}
.side{background:#111a2b;color:#c9d3e3;padding:20px 14px;display:flex;flex-direction:column;gap:18px}
.brand{display:flex;align-items:center;gap:10px;color:#fff;font-weight:700;font-size:18px;letter-spacing:.2px}
.brand .logo{width:30px;height:30px;border-radius:8px;background:linear-gradient(135deg,#4f7cff,#2554d8);display:grid;place-items:center;font-size:16px}
.nav{display:flex;flex-direction:column;gap:2px}
.nav a{color:#c9d3e3;padding:8px 10px;border-radius:7px;white-space:nowrap}
.nav a:hover{background:#1c2840;text-decoration:none}
.nav a.on{background:#2554d8;color:#fff}
.nav-group{margin:14px 10px 4px;font-size:11.5px;font-weight:700;letter-spacing:.06em;text-transform:uppercase;color:#7f8ea8}
.nav a.adv{font-size:14px}
.side .foot{margin-top:auto;font-size:13px;display:flex;flex-direction:column;gap:8px}
.side .foot a{color:#9fb0cc}
.side select{width:100%;padding:6px;border-radius:6px;border:1px solid #33415c;background:#1c2840;color:#fff}
.main{padding:28px 32px 48px;max-width:1180px;width:100%;min-width:0}
.top{display:flex;justify-content:space-between;align-items:flex-end;gap:12px;margin-bottom:18px;flex-wrap:wrap}
h1{font-size:24px;margin:0}h2{font-size:17px;margin:0 0 12px}h3{font-size:15px;margin:0 0 8px}
.sub{color:var(--muted);margin:4px 0 0}
.card{background:var(--panel);border:1px solid var(--line);border-radius:var(--radius);padding:18px 20px;margin-bottom:18px;min-width:0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:14px;margin-bottom:18px}
.kpi{background:var(--panel);border:1px solid var(--line);border-radius:var(--radius);padding:14px 16px}
.kpi .label{color:var(--muted);font-size:13px}.kpi .value{font-size:24px;font-weight:650;margin-top:2px;font-variant-numeric:tabular-nums}
.kpi .hint{color:var(--muted);font-size:12px}
.two{display:grid;grid-template-columns:1fr 1fr;gap:18px}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:9px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:12.5px;text-transform:uppercase;letter-spacing:.3px;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr:last-child td{border-bottom:0}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12.5px;font-weight:600;background:#eef1f5;color:var(--muted);white-space:nowrap}
.badge.ok{background:var(--okbg);color:var(--ok)}.badge.warn{background:var(--warnbg);color:var(--warn)}.badge.bad{background:var(--badbg);color:var(--bad)}.badge.info{background:#e8eefc;color:var(--brand)}
.flash{padding:10px 14px;border-radius:8px;margin-bottom:16px;border:1px solid}
.flash.ok{background:var(--okbg);border-color:#b6e2c8;color:var(--ok)}.flash.bad{background:var(--badbg);border-color:#f5c2bd;color:var(--bad)}.flash.info{background:#e8eefc;border-color:#c6d4f7;color:#1d3f9e}
.flash code{word-break:break-all}
.flash.warn{background:var(--warnbg);border-color:#f1d49b;color:#6b4000}
.sending .body{margin:4px 0 0;color:var(--ink)}
.sending .line{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:center;justify-content:space-between;margin-top:10px;padding-top:10px;border-top:1px solid #f1d49b}
.sending .line .what{min-width:0;overflow-wrap:anywhere}
.sending-on{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:center;justify-content:space-between}
form.inline{display:inline}
label{display:block;font-size:13px;font-weight:600;color:#344054;margin-bottom:4px}
input[type=text],input[type=search],input[type=email],input[type=password],input[type=number],input[type=date],select,textarea{width:100%;padding:8px 10px;border:1px solid #cfd6e0;border-radius:7px;font:inherit;background:#fff;color:var(--ink)}
textarea{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px;min-height:120px}
input:focus,select:focus,textarea:focus{outline:2px solid #9db5ff;border-color:var(--brand)}
.field{margin-bottom:12px;min-width:0}.field.invalid input,.field.invalid select,.field.invalid textarea{border-color:var(--bad);background:#fffafa}
.err{color:var(--bad);font-size:12.5px;margin-top:3px}
.hint{color:var(--muted);font-size:12.5px;margin-top:3px}
.row{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.check{display:flex;gap:8px;align-items:center;font-weight:500}
button,.button{display:inline-flex;align-items:center;gap:6px;padding:8px 14px;border-radius:7px;border:1px solid var(--brand);background:var(--brand);color:var(--brand-ink);font:inherit;font-weight:600;cursor:pointer;white-space:nowrap}
button.secondary,.button.secondary{background:#fff;color:var(--brand)}
button.danger{background:#fff;color:var(--bad);border-color:#f0b8b2}
button.small{padding:4px 10px;font-size:13px}
.actions{display:flex;gap:8px;flex-wrap:wrap;align-items:center}
.step{border:1px solid var(--line);border-radius:8px;padding:14px;margin-bottom:12px;background:#fbfcfd}
.step .head{display:flex;justify-content:space-between;align-items:center;margin-bottom:10px;gap:8px}
pre{background:#0f1727;color:#d6e2ff;padding:12px;border-radius:8px;overflow:auto;font-size:12.5px;max-height:340px;margin:6px 0}
pre.wrap{white-space:pre-wrap;word-break:break-word}
details summary{cursor:pointer;color:var(--brand)}
td.acts{width:1%;text-align:right}td.acts .actions{flex-direction:column;align-items:stretch}td.acts .actions form,td.acts .actions button{width:100%;justify-content:center}
.held{margin-top:10px}.held ul{margin:6px 0 0;padding-left:18px}.held li{margin:4px 0;color:var(--muted);overflow-wrap:anywhere}
.muted{color:var(--muted)}
td.why{min-width:220px}
.day{margin-bottom:14px}.day h3{font-size:14px;color:var(--muted);text-transform:capitalize}
.signin{min-height:100vh;display:grid;place-items:center;padding:20px}
.signin .card{width:100%;max-width:380px}
.chart svg{display:block}
.lang a{color:#9fb0cc;margin-right:8px}.lang a.on{color:#fff;font-weight:600}
.portal{max-width:880px;margin:0 auto;padding:24px 16px 48px;display:flex;flex-direction:column;gap:0}
.portal details.answer{border-top:1px solid var(--line);padding:10px 0}
.portal details.answer summary{font-weight:600;cursor:pointer;padding:4px 0}
.portal details.answer form{margin-top:10px}
.chips{list-style:none;display:flex;flex-wrap:wrap;gap:6px;padding:0;margin:6px 0 10px}
.mail-text{white-space:pre-wrap;word-break:break-word;font-size:13px;background:#f7f8fa;color:var(--ink);border:1px solid var(--line);border-radius:8px;padding:10px;max-height:none}
.token{font-family:ui-monospace,monospace;background:#fff;padding:6px 8px;border-radius:6px;border:1px solid var(--line);display:block;margin-top:6px;word-break:break-all;color:var(--ink)}
.default-submit{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}
.mail-list{list-style:none;margin:0;padding:0}
.mail-list>li.mail{border-top:1px solid var(--line);padding:12px 0}
.mail-list>li.mail:first-child{border-top:0}
.mail-head{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.mail-text{white-space:pre-wrap;overflow-wrap:anywhere;margin-top:8px;padding:10px;background:#f7f8fa;border-radius:7px;max-height:320px;overflow:auto}
.mail-files{margin-top:8px;display:flex;gap:10px;flex-wrap:wrap;align-items:baseline}
.timeline{list-style:none;margin:0 0 18px;padding:0}
.timeline>li{display:grid;grid-template-columns:60px minmax(0,1fr);gap:12px;position:relative}
.timeline>li::before{content:'';position:absolute;left:29px;top:0;bottom:0;border-left:2px solid var(--line)}
.timeline .mark{position:relative;z-index:1;align-self:start;margin-top:14px;background:#e8eefc;color:var(--brand);font-weight:700;font-size:12.5px;border-radius:999px;padding:3px 0;text-align:center;font-variant-numeric:tabular-nums;white-space:nowrap}
.timeline li.due .mark{background:var(--ink);color:#fff}
.timeline li.due .body{padding:14px 0 16px;color:var(--ink)}
.timeline .tl-step .body{border:1px solid var(--line);border-radius:8px;padding:14px;margin-bottom:12px;background:var(--panel);min-width:0}
.timeline .tl-step.has-err .body{border-color:#f0b8b2}
.tl-step .head{display:flex;justify-content:space-between;align-items:flex-start;margin-bottom:10px;gap:8px}
.tl-step details{margin-top:4px;border-top:1px solid var(--line);padding-top:8px}
.tl-step details[open]>summary{margin-bottom:8px}
fieldset.checks{border:0;padding:0;margin:0 0 12px;min-width:0;display:flex;flex-wrap:wrap;gap:4px 16px}
fieldset.checks legend{font-size:13px;font-weight:600;color:#344054;margin-bottom:4px;padding:0;width:100%}
fieldset.checks .hint{width:100%}
.exception{border-top:1px solid var(--line);padding:12px 0}
.exceptions{margin-bottom:14px}
.errs{margin:6px 0 0;padding-left:18px}
input.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
details.card.advanced>summary{font-weight:600}
.policy .row{grid-template-columns:repeat(auto-fit,minmax(200px,1fr))}
.policy .row.delay{grid-template-columns:110px minmax(0,1fr) minmax(0,1fr)}
.tl-step .foot{display:flex;justify-content:flex-end;margin-top:10px}
.save-bar{justify-content:flex-end}
.tabs{display:flex;gap:6px;margin:0 0 14px;flex-wrap:wrap}.tabs a{padding:6px 14px;border-radius:999px;border:1px solid var(--line);background:var(--panel);color:var(--ink);text-decoration:none;font-weight:600}.tabs a.on{background:var(--brand);border-color:var(--brand);color:#fff}
ul.tasks{list-style:none;margin:0;padding:0}
/* A viewer changes nothing (the server refuses it): the pages show no form that would change something. */
body[data-role="viewer"] main form[method="post"]{display:none}
.task .task-head{display:flex;justify-content:space-between;gap:12px;align-items:flex-start}.task h3{margin:6px 0 2px;font-size:16px}
.task .task-amount{text-align:right;display:flex;flex-direction:column;gap:2px;white-space:nowrap}
.task .task-meta{display:flex;flex-wrap:wrap;gap:4px 14px;margin:6px 0;font-size:13px}
.task .task-forms{display:grid;gap:10px;border-top:1px solid var(--line);padding-top:10px;margin-top:8px}
.task .task-forms label{font-size:12.5px}.task form[data-snooze] label{margin:0}.task form[data-snooze] input{width:auto;max-width:190px}.task pre.script{white-space:pre-wrap;font-size:12.5px}
.task-filter .row{grid-template-columns:repeat(auto-fit,minmax(140px,1fr))}
@media (max-width:860px){
 .shell{grid-template-columns:minmax(0,1fr);grid-template-rows:auto 1fr}
 .side{padding:12px 14px;gap:10px;min-width:0}
 .nav{flex-direction:row;overflow-x:auto;gap:4px;scrollbar-width:none;max-width:100%;-webkit-mask-image:linear-gradient(to right,#000 85%,transparent);mask-image:linear-gradient(to right,#000 85%,transparent);padding-right:28px}
 .nav-group{margin:0 0 0 8px;align-self:center;white-space:nowrap}
 .nav a{padding:6px 10px;font-size:14px}
 .side .foot{flex-direction:row;flex-wrap:wrap;align-items:center;margin-top:0;gap:10px}
 .side .foot form{flex:1;min-width:160px}
 .main{padding:18px 14px 40px}
 .two{grid-template-columns:1fr}
 .grid{grid-template-columns:repeat(2,minmax(0,1fr));gap:10px}
 .kpi .value{font-size:20px}
 h1{font-size:21px}
 .hide-sm{display:none}
 table.stack thead{display:none}
 table.stack tr{display:block;padding:10px 0;border-bottom:1px solid var(--line)}
 table.stack tr:last-child{border-bottom:0}
 table.stack td{display:flex;gap:10px;justify-content:space-between;border:0;padding:3px 0;text-align:right}
 table.stack td>*{text-align:right}
 table.stack td[data-label]::before{content:attr(data-label);color:var(--muted);font-size:12.5px;font-weight:600;text-align:left;flex:0 0 34%}
 table.stack td.wide{display:block;text-align:left;min-width:0}
 table.stack td.wide::before{display:block;margin-bottom:2px}
 table.stack td.num{text-align:right}
 table.stack td.hide-sm{display:none}
 .side .foot label{display:none}
 .timeline>li{grid-template-columns:46px minmax(0,1fr);gap:8px}
 .timeline>li::before{left:22px}
 .timeline .mark{font-size:11.5px}
 .timeline .tl-step .body{padding:12px}
 .policy .row.delay{grid-template-columns:minmax(0,1fr)}
 .policy .row.delay input[type=number]{max-width:160px}
 button,.button{white-space:normal}
}
`;

/** Progressive enhancement only: auto-submit selects marked data-autosubmit, confirm dangerous buttons, offer a step the templates of its channel. */
export const SCRIPT = `
document.addEventListener('change',function(e){var t=e.target;if(t&&t.matches&&t.matches('select[data-autosubmit]')&&t.form){t.form.submit();}});
document.addEventListener('submit',function(e){var b=e.submitter;if(b&&b.dataset&&b.dataset.confirm&&!window.confirm(b.dataset.confirm)){e.preventDefault();}});
function relanceTemplates(t,pick){var s=document.getElementById(t.getAttribute('data-channel-for'));if(!s)return;var ch=t.value,first=null;Array.prototype.forEach.call(s.querySelectorAll('optgroup'),function(g){var on=g.getAttribute('data-channel')===ch;g.hidden=!on;if(on&&!first)first=g.querySelector('option');});var cur=s.options[s.selectedIndex];var fits=cur&&cur.parentNode&&cur.parentNode.getAttribute&&cur.parentNode.getAttribute('data-channel')===ch;if(pick&&!fits)s.value=first?first.value:'';}
document.addEventListener('change',function(e){var t=e.target;if(t&&t.matches&&t.matches('select[data-channel-for]'))relanceTemplates(t,true);});
Array.prototype.forEach.call(document.querySelectorAll('select[data-channel-for]'),function(t){relanceTemplates(t,false);});
var relanceField=null;document.addEventListener('focusin',function(e){var t=e.target;if(t&&(t.tagName==='TEXTAREA'||(t.tagName==='INPUT'&&t.type==='text')||t.id==='subject'))relanceField=t;});
document.addEventListener('click',function(e){var b=e.target&&e.target.closest&&e.target.closest('button[data-insert]');if(!b)return;var f=relanceField||document.getElementById('text');if(!f)return;var v=b.getAttribute('data-insert'),a=f.selectionStart==null?f.value.length:f.selectionStart,z=f.selectionEnd==null?a:f.selectionEnd;f.value=f.value.slice(0,a)+v+f.value.slice(z);f.focus();f.selectionStart=f.selectionEnd=a+v.length;});
`;

export const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#2554d8"/><text x="16" y="22" font-family="system-ui,sans-serif" font-size="18" font-weight="700" fill="#fff" text-anchor="middle">R</text></svg>`;
