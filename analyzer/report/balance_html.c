/* balance_html.c - the page of refbalance --html (see balance_html.h).
 *
 * The page carries the JSON document of refbalance --json in a <script type=
 * "application/json"> element (written HTML-safe, so no text of the log can close it)
 * and a small script that builds the tree and the history table from it. The script
 * walks the tree with its own stack, not by recursion, for the same reason the C
 * printers do: runaway recursions make trees thousands of levels deep. */
#include "balance_html.h"

#include "balance_report.h"
#include "json_writer.h"

static const char page_head[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<meta name=\"generator\" content=\"refbalance --html\">\n"
    "<title>refbalance</title>\n"
    "<style>\n"
    "body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}\n"
    "header{padding:8px 16px;background:#2b3440;color:#fff;display:flex;gap:16px;"
    "align-items:center}\n"
    "header h1{font-size:16px;margin:0;font-weight:600;flex:1}\n"
    "header input{font:inherit;padding:3px 6px;width:260px}\n"
    "main{display:flex;gap:16px;padding:12px 16px;align-items:flex-start}\n"
    "#tree,#history{background:#fff;border:1px solid #ddd;border-radius:4px;padding:8px;"
    "overflow:auto;max-height:calc(100vh - 80px)}\n"
    "#tree{flex:1 1 50%}#history{flex:1 1 50%}\n"
    "h2{font-size:14px;margin:0 0 6px}\n"
    "ul{list-style:none;margin:0;padding-left:18px}#tree>ul{padding-left:0}\n"
    "li>ul{display:none}li.open>ul{display:block}\n"
    ".row{cursor:pointer;white-space:nowrap;font-family:ui-monospace,monospace;font-size:13px}\n"
    ".toggle{display:inline-block;width:14px;color:#888}\n"
    ".bal{display:inline-block;min-width:24px;text-align:right;margin-right:6px;"
    "padding:0 4px;border-radius:3px;font-weight:600}\n"
    ".pos>.row .bal{background:#fdd;color:#a00}.neg>.row .bal{background:#dde8ff;color:#124}\n"
    ".zero>.row .bal{background:#eee;color:#777}.zero>.row .name{color:#777}\n"
    ".site{color:#777}\n"
    ".match>.row .name{background:#ff0}\n"
    "table{border-collapse:collapse;font-size:13px;width:100%}\n"
    "th,td{text-align:left;padding:2px 6px;border-bottom:1px solid #eee;vertical-align:top}\n"
    "td.where{font-family:ui-monospace,monospace}\n"
    "tr.ev{cursor:pointer}tr.ev:hover{background:#f4f6fa}\n"
    "tr.stack td{font-family:ui-monospace,monospace;color:#555;white-space:pre}\n"
    ".op-N,.op-A{color:#a00}.op-R,.op-D{color:#124}\n"
    "</style></head>\n"
    "<body>\n"
    "<header><h1 id=\"title\">refbalance</h1>"
    "<input id=\"search\" type=\"search\" placeholder=\"search functions\">"
    "<span id=\"matches\"></span></header>\n"
    "<main><section id=\"tree\"><h2>Balance tree</h2></section>\n"
    "<section id=\"history\"><h2>Events</h2><table><thead><tr><th>line</th><th>op</th>"
    "<th>count</th><th>thread</th><th>where</th></tr></thead><tbody></tbody></table>"
    "</section></main>\n"
    "<script type=\"application/json\" id=\"refbalance-data\" data-log=\"";

static const char page_tail[] =
    "</script>\n"
    "<script>\n"
    "'use strict';\n"
    "const data=JSON.parse(document.getElementById('refbalance-data').textContent);\n"
    "const log=document.getElementById('refbalance-data').dataset.log||'';\n"
    "const o=data.object;\n"
    "document.title='refbalance: '+o.class+' '+o.address+' (serial '+o.serial+')';\n"
    "document.getElementById('title').textContent=document.title+(log?' in '+log:'');\n"
    "function el(tag,cls,text){const e=document.createElement(tag);"
    "if(cls)e.className=cls;if(text!==undefined)e.textContent=text;return e;}\n"
    "function sign(b){return b>0?'pos':b<0?'neg':'zero';}\n"
    "function setOpen(li,open){li.classList.toggle('open',open);"
    "const t=li.querySelector(':scope>.row>.toggle');"
    "if(t&&li.dataset.leaf!=='1')t.textContent=open?'\\u25be':'\\u25b8';}\n"
    "function nodeItem(n){const li=el('li','node '+sign(n.bal));"
    "li.dataset.name=n.name;li.dataset.leaf=n.children.length?'0':'1';"
    "const row=el('div','row');row.append(el('span','toggle',n.children.length?'':'\\u00b7'),"
    "el('span','bal',String(n.bal)),el('span','name',n.name));"
    "if(n.site)row.append(el('span','site',' ('+n.site+')'));li.append(row);"
    "row.addEventListener('click',()=>setOpen(li,!li.classList.contains('open')));"
    "setOpen(li,n.bal!==0||n===data.tree);return li;}\n"
    "function buildTree(){const top=el('ul');const work=[[data.tree,top]];"
    "while(work.length){const [n,parent]=work.pop();const li=nodeItem(n);parent.append(li);"
    "if(n.children.length){const ul=el('ul');li.append(ul);"
    "for(let i=n.children.length-1;i>=0;i--)work.push([n.children[i],ul]);}}"
    "document.getElementById('tree').append(top);}\n"
    "function where(f){if(!f)return '(no stack)';"
    "const at=f.source||(f.module?f.module.replace(/.*\\//,'')+'+0x'+f.offset.toString(16):'');"
    "return f.function+(at?' ('+at+')':'');}\n"
    "function buildHistory(){const body=document.querySelector('#history tbody');"
    "for(const e of data.events){const tr=el('tr','ev');"
    "tr.append(el('td','line',String(e.line)),el('td','op op-'+e.op,e.op+(e.tag?' '+e.tag:'')),"
    "el('td','count',String(e.count)),el('td','tid',String(e.tid)),"
    "el('td','where',where(e.stack[0])));body.append(tr);"
    "const st=el('tr','stack');st.hidden=true;const td=el('td','',e.stack.map(where).join('\\n'));"
    "td.colSpan=5;st.append(td);body.append(st);"
    "tr.addEventListener('click',()=>{st.hidden=!st.hidden;});}}\n"
    "function search(){const q=document.getElementById('search').value.toLowerCase();"
    "let count=0;for(const li of document.querySelectorAll('#tree li')){"
    "const hit=q!==''&&li.dataset.name.toLowerCase().includes(q);li.classList.toggle('match',hit);"
    "if(hit){count++;for(let p=li.parentElement.closest('li');p;p=p.parentElement.closest('li'))"
    "setOpen(p,true);}}"
    "document.getElementById('matches').textContent=q?count+' match'+(count===1?'':'es'):'';}\n"
    "buildTree();buildHistory();\n"
    "const box=document.getElementById('search');box.addEventListener('input',search);\n"
    /* tree.html#search=TEXT opens the page searched: a link can point at a function. */
    "const asked=new URLSearchParams(location.hash.slice(1)).get('search');\n"
    "if(asked){box.value=asked;search();}\n"
    "</script>\n"
    "</body></html>\n";

/* TEXT inside a double-quoted attribute. */
static void write_attribute_text(FILE *out, const char *text)
{
    for (; *text; text++) {
        if (*text == '&')
            fputs("&amp;", out);
        else if (*text == '"')
            fputs("&quot;", out);
        else if (*text == '<')
            fputs("&lt;", out);
        else
            fputc(*text, out);
    }
}

void balance_html_write(FILE *out, const struct balance_tree *tree,
                        const struct object_events *history, bool ignore_balanced,
                        const char *log_name)
{
    fputs(page_head, out);
    write_attribute_text(out, log_name);
    fputs("\">", out);
    struct output *output = output_new_json(out, true);
    balance_report_write(output, tree, history, ignore_balanced);
    output_free(output);
    fputs(page_tail, out);
}
