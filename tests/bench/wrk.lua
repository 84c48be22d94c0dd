-- wrk.lua: the one wrk script of ./dev bench.  Everything comes from the environment, so the
-- application and its baselines get byte-for-byte the same requests but for a path prefix:
--
--   BENCH_METHOD     GET (default), POST, ...
--   BENCH_PREFIX     "" for the application, "/bench/trivial" or "/bench/onequery" for a
--                    baseline (the baselines ignore the rest of the path)
--   BENCH_PATHS      space-separated paths, used in turn (one path: always that one)
--   BENCH_BODY_FILE  the request body, read once
--   BENCH_CTYPE      its Content-Type
--   BENCH_COOKIE     Cookie header;  BENCH_CSRF: X-CSRF-Token header
--   BENCH_ACCEPT_ENCODING  Accept-Encoding header (run.sh: what Chromium sends; "identity"
--                    for a client that takes no encoding)
--   BENCH_PAD        for a baseline only: ask for an answer of this many bytes (bench_pad=N
--                    in the query string; baseline_pg_fcgi pads its JSON to it)
--   BENCH_ANSWERS    a file of lines "CID ITEM_ID..." of fresh confirmations: each request
--                    is POST /api/v1/confirmations/CID/response agreeing to every item, each
--                    line used once (threads take lines i, i + T, ...; T = BENCH_THREADS)
--
-- done() prints one line: WRK requests=N seconds=S rps=R p50_ms=A p99_ms=B errors=E
-- (errors: connect, read, write, timeout, and any status >= 400).

local env = os.getenv
local threads_total = tonumber(env("BENCH_THREADS") or "1")
local next_id = 0

function setup(thread)
	thread:set("id", next_id)
	next_id = next_id + 1
end

local function split(s)
	local t = {}
	for w in string.gmatch(s or "", "%S+") do t[#t + 1] = w end
	return t
end

local function slurp(path)
	local f = assert(io.open(path, "rb"))
	local s = f:read("*a")
	f:close()
	return s
end

local prefix = env("BENCH_PREFIX") or ""
local method = env("BENCH_METHOD") or "GET"
local headers = {}
local paths, answers, body
local turn = 0

function init(args)
	local id = tonumber(wrk.thread:get("id"))
	headers["Host"] = "localhost"
	if env("BENCH_COOKIE") then headers["Cookie"] = env("BENCH_COOKIE") end
	if env("BENCH_CSRF") then headers["X-CSRF-Token"] = env("BENCH_CSRF") end
	if env("BENCH_ACCEPT_ENCODING") then headers["Accept-Encoding"] = env("BENCH_ACCEPT_ENCODING") end
	if env("BENCH_CTYPE") then headers["Content-Type"] = env("BENCH_CTYPE") end
	if env("BENCH_BODY_FILE") then body = slurp(env("BENCH_BODY_FILE")) end
	paths = split(env("BENCH_PATHS") or "/")
	if env("BENCH_ANSWERS") then
		answers = {}
		local i = 0
		local first
		for line in io.lines(env("BENCH_ANSWERS")) do
			if i % threads_total == id then answers[#answers + 1] = split(line) end
			first = first or split(line)
			i = i + 1
		end
		-- A file shorter than the threads: this thread repeats the first line (for the
		-- application, a 409 counted as an error).
		if #answers == 0 then answers[1] = assert(first, "BENCH_ANSWERS is empty") end
		headers["Content-Type"] = "application/json"
	end
end

local function answer_body(fields)
	local items = {}
	for i = 2, #fields do
		items[#items + 1] = string.format('{"item_id":"%s","agrees":true}', fields[i])
	end
	return '{"items":[' .. table.concat(items, ",") ..
		'],"responder":{"name":"Bench Responder","title":"Manager"}}'
end

function request()
	turn = turn + 1
	if answers then
		local a = answers[turn]
		if a == nil then
			-- Out of fresh confirmations: answering an answered one again is a 409, and
			-- is counted as an error, never silently as a fast success.
			a = answers[#answers]
		end
		return wrk.format("POST", prefix .. "/api/v1/confirmations/" .. a[1] .. "/response",
			headers, answer_body(a))
	end
	local p = paths[(turn - 1) % #paths + 1]
	if prefix ~= "" and env("BENCH_PAD") then
		p = p .. (p:find("?", 1, true) and "&" or "?") .. "bench_pad=" .. env("BENCH_PAD")
	end
	return wrk.format(method, prefix .. p, headers, body)
end

function done(summary, latency, requests)
	local e = summary.errors
	local errors = e.connect + e.read + e.write + e.timeout + e.status
	local seconds = summary.duration / 1e6
	io.write(string.format("WRK requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
		summary.requests, seconds, summary.requests / seconds,
		latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
