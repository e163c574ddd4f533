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
ENV NODE_ENV=production \
    CAIRN_ADDRESS=0.0.0.0:9000 \
    CAIRN_VOLUMES=/data
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 9000
# Listening on 0.0.0.0 requires credentials: pass CAIRN_ROOT_USER and CAIRN_ROOT_PASSWORD.
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["server"]
