import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    testTimeout: 30_000,
    // A stray it.only would silently skip the rest of the file.
    allowOnly: false,
  },
});
