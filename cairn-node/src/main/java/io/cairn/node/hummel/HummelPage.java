package io.cairn.node.hummel;

import io.cairn.core.hummel.IndexEntry;
import io.cairn.core.hummel.RepoIndex;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The master's page, {@code GET /hummel/} (SPEC §3.5): the repository (files, total size, last
 * build and its state), the slaves (state, last heartbeat, how much of the repository each holds)
 * and a button that asks for the write token and starts a build. Rendered on the server, so it
 * shows everything without scripts (and a headless browser's DOM dump sees it at once); the
 * button's script only posts the build and polls its state. At most {@link #MAX_FILES_SHOWN}
 * files are listed. Every text from the disk or a slave is HTML-escaped.
 */
final class HummelPage {
    static final int MAX_FILES_SHOWN = 2000;

    private HummelPage() {}

    static String render(Master master, JsonNode status) {
        RepoIndex index = master.state().index();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!doctype html><html lang=en><head><meta charset=utf-8><title>cairn repository</title><style>")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#fafaf7}")
                .append("h1{font-size:22px}h2{font-size:17px;margin-top:28px}")
                .append("table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}")
                .append("td.n{text-align:right;font-variant-numeric:tabular-nums}")
                .append(".live{color:#070}.silent{color:#b00}.done{color:#070}.failed{color:#b00}.running{color:#a60}")
                .append("button{font-size:15px;padding:6px 14px;background:#2d5d9f;color:#fff;border:0;border-radius:4px}")
                .append(".summary{background:#e9eef6;padding:10px 14px;border-radius:6px;display:inline-block}")
                .append("</style></head><body>");
        h.append("<h1>Repository <code>").append(esc(status.path("repository").asString())).append("</code></h1>");
        h.append("<div class=summary id=summary>version <b id=version>").append(index.version()).append("</b> · <b id=file-count>")
                .append(index.files().size()).append("</b> files · <b id=total-size>").append(size(index.totalBytes()))
                .append("</b> · archives ").append(size(status.path("archiveBytes").asLong())).append("</div>");
        h.append("<h2>Last build</h2><p id=last-build>");
        JsonNode b = status.get("lastBuild");
        if (b == null) {
            h.append("none since this master started");
        } else {
            String state = b.path("state").asString();
            h.append("<code>").append(esc(b.path("build").asString())).append("</code> <b class=").append(esc(state))
                    .append(">").append(esc(state)).append("</b> · files ").append(b.path("filesDone").asLong()).append('/')
                    .append(b.path("filesTotal").asLong()).append(" · bytes ").append(size(b.path("bytesDone").asLong()))
                    .append('/').append(size(b.path("bytesTotal").asLong())).append(" · errors ")
                    .append(b.path("errorCount").asLong());
            if (b.has("failure")) {
                h.append(" · ").append(esc(b.path("failure").asString()));
            }
        }
        h.append("</p><p><button id=build onclick=\"startBuild()\">Start a build</button> <span id=build-state></span></p>");
        h.append("<h2>Slaves</h2><table id=slaves><tr><th>url</th><th>state</th><th>last heartbeat</th><th>archives held</th><th>bytes held</th><th>quota</th></tr>");
        long archiveBytes = Math.max(1, status.path("archiveBytes").asLong());
        for (JsonNode s : status.path("slaves")) {
            String st = s.path("state").asString();
            h.append("<tr><td>").append(esc(s.path("url").asString())).append("</td><td class=").append(esc(st)).append('>')
                    .append(esc(st)).append("</td><td>").append(Instant.ofEpochMilli(s.path("lastHeartbeatMs").asLong()))
                    .append("</td><td class=n>").append(s.path("archivesHeld").asLong()).append("</td><td class=n>")
                    .append(size(s.path("bytesHeld").asLong())).append(" (")
                    .append(Math.round(100.0 * s.path("bytesHeld").asLong() / archiveBytes)).append(" %)</td><td class=n>")
                    .append(s.path("quotaBytes").asLong() == 0 ? "none" : size(s.path("quotaBytes").asLong())).append("</td></tr>");
        }
        h.append("</table>");
        h.append("<h2>Files</h2><table id=files><tr><th>path</th><th>size</th><th>modified</th><th>mode</th><th>sha-256</th></tr>");
        List<IndexEntry> files = index.files();
        for (int i = 0; i < Math.min(files.size(), MAX_FILES_SHOWN); i++) {
            IndexEntry e = files.get(i);
            h.append("<tr><td>").append(esc(e.path())).append("</td><td class=n>").append(size(e.size())).append("</td><td>")
                    .append(Instant.ofEpochMilli(e.mtime())).append("</td><td>").append(String.format("%04o", e.mode()))
                    .append("</td><td><code>").append(e.hash(), 0, 16).append("…</code></td></tr>");
        }
        h.append("</table>");
        if (files.size() > MAX_FILES_SHOWN) {
            h.append("<p>… and ").append(files.size() - MAX_FILES_SHOWN).append(" more (see <code>GET /index</code>)</p>");
        }
        h.append("<script>\n")
                .append("async function startBuild(){const t=prompt('Write token');if(!t)return;")
                .append("const s=document.getElementById('build-state');")
                .append("const r=await fetch('/build',{method:'POST',headers:{'X-HUMMEL-TOKEN':t}});")
                .append("const j=await r.json();if(r.status!==202){s.textContent='refused: '+(j.message||r.status);return;}")
                .append("for(;;){const p=await (await fetch('/build/'+j.build)).json();")
                .append("s.textContent=p.state+' '+p.filesDone+'/'+p.filesTotal+' files';")
                .append("if(p.state!=='running'){setTimeout(()=>location.reload(),800);return;}")
                .append("await new Promise(x=>setTimeout(x,500));}}\n</script>");
        h.append("</body></html>");
        return h.toString();
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
