# The bot's image: native modules (better-sqlite3, hnswlib-node) build from source, as on a
# developer machine. Knowledge files and prompts are part of the image, so every replica reads
# the same ones.
FROM node:20-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ENV PORT=3000
EXPOSE 3000
CMD ["npm", "start"]
