# drill-nginx.sh - sourced by the failover drills (failover.sh, failover-auto.sh).
#
# drill_nginx DIR PORT SOCKET: start an nginx on 127.0.0.1:PORT (TLS with the stack's test
# certificate, BGW_STACK_DIR/tls) in front of the worker pool listening on SOCKET, with its
# files under DIR/nginx (DIR/nginx/tmp must exist); returns once it accepts connections
# (status 1 if it did not start).  The caller stops it through DIR/nginx/nginx.pid.
drill_nginx() {
	local w=$1 port=$2 sock=$3 tls=$BGW_STACK_DIR/tls i
	cat >"$w/nginx/nginx.conf" <<CONF
user www-data bgw;
worker_processes 1;
pid $w/nginx/nginx.pid;
error_log $w/nginx/error.log warn;
events { worker_connections 256; }
http {
    client_body_temp_path $w/nginx/tmp/body;
    fastcgi_temp_path $w/nginx/tmp/fastcgi;
    proxy_temp_path $w/nginx/tmp/proxy;
    uwsgi_temp_path $w/nginx/tmp/uwsgi;
    scgi_temp_path $w/nginx/tmp/scgi;
    access_log off;
    server {
        listen 127.0.0.1:$port ssl;
        server_name localhost;
        ssl_certificate $tls/server.crt;
        ssl_certificate_key $tls/server.key;
        location / {
            include /etc/nginx/fastcgi_params;
            fastcgi_param REQUEST_ID \$request_id;
            fastcgi_pass unix:$sock;
        }
    }
}
CONF
	nginx -p "$w/nginx" -c "$w/nginx/nginx.conf" || return 1
	for i in $(seq 1 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
