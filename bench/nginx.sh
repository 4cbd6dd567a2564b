# Sourced by the bench scripts: nginx serving $WORK/www on 127.0.0.1 as a plain-file baseline
# (no access log, keep-alive). Loopback only.
#
#   start_nginx                     the stock set-up ("sendfile" below) on $NGINX_PORT, pid in $WORK/nginx.pid
#   start_nginx NAME PORT STYLE     another instance, conf and pid in $WORK/NAME.conf / NAME.pid
#
# Styles, both measured on this machine (docs/BENCHMARKS.md, 2026-11-22):
#   sendfile  nginx as packaged: `sendfile on; tcp_nopush on;`, a worker per core;
#   copy      `sendfile off` with open_file_cache, 128 KiB output buffers, one worker: on this
#             2-core VM, where wrk needs the other core and sendfile costs more kernel time per
#             64 KiB answer than a copy does, the stronger baseline (48-49k against 36-42k GET/s).
#
# Started as root, nginx serves through workers that run as an unprivileged user (nobody or
# www-data), so the tree must be readable by them: `mktemp -d` makes a 0700 directory, and then
# every answer is a 403 error page that wrk counts as a request (get-vs-nginx.sh measured such
# error pages as its baseline until 2026-11-22). `http_serves` checks one real answer.
start_nginx() {
  local name="${1:-nginx}" port="${2:-$NGINX_PORT}" style="${3:-sendfile}" workers files
  case "$style" in
    sendfile) workers=auto; files="sendfile on; tcp_nopush on;" ;;
    copy) workers=1; files="sendfile off; open_file_cache max=100000 inactive=60s; output_buffers 1 128k;" ;;
    *) echo "start_nginx: unknown style $style" >&2; return 1 ;;
  esac
  mkdir -p "$WORK/tmp"
  chmod 755 "$WORK"
  [ -d "$WORK/www" ] && chmod -R a+rX "$WORK/www"
  cat >"$WORK/$name.conf" <<NGINX
worker_processes $workers;
pid $WORK/$name.pid;
error_log $WORK/$name-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  $files keepalive_requests 1000000;
  default_type application/octet-stream;
  client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
  uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
  server { listen 127.0.0.1:$port; root $WORK/www; }
}
NGINX
  nginx -c "$WORK/$name.conf"
}

# http_serves URL_PATH BYTES [PORT]: fails unless the server on PORT (default nginx's) answers
# URL_PATH with 200 and exactly BYTES bytes: a measurement of error pages is no measurement.
http_serves() {
  local got port="${3:-$NGINX_PORT}"
  got="$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "http://127.0.0.1:$port$1")"
  [ "$got" = "200 $2" ] || { echo "127.0.0.1:$port$1 answered '$got', expected '200 $2': not measuring that" >&2; return 1; }
}

# wrk_rps OUTPUT: the Requests/sec of a wrk run, or a failure when any answer was not a 2xx/3xx.
wrk_rps() {
  local errors
  errors="$(echo "$1" | awk '/Non-2xx/ {print $NF}')"
  [ -z "$errors" ] || { echo "wrk saw $errors error answers: the rate would measure error pages" >&2; return 1; }
  echo "$1" | awk '/Requests\/sec/ {print $2}'
}
