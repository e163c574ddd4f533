# cairn: S3-compatible object store. Build: docker build -t cairn .
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
# Process settings read at startup, measured in bench/processes.ts (SERVER_PROCESS_ENV):
# a larger libuv pool so commits' fsyncs do not stall other uploads' shard writes,
# and glibc keeping large buffers on its heap instead of fresh mmaps per buffer.
ENV NODE_ENV=production \
    CAIRN_ADDRESS=0.0.0.0:9000 \
    CAIRN_VOLUMES=/data/drive{1...4} \
    UV_THREADPOOL_SIZE=16 \
    MALLOC_MMAP_THRESHOLD_=67108864 \
    MALLOC_TRIM_THRESHOLD_=268435456
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /data/drive1 /data/drive2 /data/drive3 /data/drive4 && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 9000
# Listening on 0.0.0.0 requires credentials: pass CAIRN_ROOT_USER and CAIRN_ROOT_PASSWORD.
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["server"]
