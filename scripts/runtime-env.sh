# The environment every ./pulse command runs with (sourced by ./pulse after bootstrap.sh). Only
# defaults: a variable the caller set already is kept.
#
# The AWS SDK prints a NodeVersionSupportWarning at the first S3 client when Node is older than the
# SDK's next minimum (22 for versions published after January 2027). Pulse pins the SDK in its
# lockfile and supports Node >= 20.11 (package.json engines), so the notice is nothing a user of
# Pulse can act on; this is the SDK's documented switch for it.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED="${AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED:-true}"

# Embedded ClickHouse (chDB) runs each statement as a job of libuv's thread pool, holding a thread
# for the whole statement; the pool also does file writes, gzip and DNS. Node's default is 4 threads
# and libuv reads this variable once, when the process starts. Pulse leaves two threads free
# (packages/clickhouse, embeddedStatementLimit), so 16 lets 14 statements run side by side.
export UV_THREADPOOL_SIZE="${UV_THREADPOOL_SIZE:-16}"
