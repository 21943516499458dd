# One image for every Pulse role; docker-compose.yml picks the role with `command`.
FROM node:20-bookworm-slim
WORKDIR /app
RUN npm install -g pnpm@10.34.9
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
COPY packages ./packages
COPY services ./services
COPY infra ./infra
RUN pnpm install --frozen-lockfile
ENV NODE_ENV=production
# The AWS SDK's notice that its 2027 releases need Node 22: the SDK is pinned by the lockfile, so
# nobody running this image can act on it (the same default as ./pulse, scripts/runtime-env.sh).
ENV AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
ENV UV_THREADPOOL_SIZE=16
