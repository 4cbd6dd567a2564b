# Sourced by the bench scripts: nginx serving $WORK/www on 127.0.0.1:$NGINX_PORT, as a plain-file
# baseline (sendfile, no access log, keep-alive), its pid in $WORK/nginx.pid. Loopback only.
start_nginx() {
  mkdir -p "$WORK/tmp"
  cat >"$WORK/nginx.conf" <<NGINX
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on; tcp_nopush on; keepalive_requests 1000000;
  default_type application/octet-stream;
  client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
  uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/www; }
}
NGINX
  nginx -c "$WORK/nginx.conf"
}
