import { defineConfig } from 'vitest/config';
import { adVitestConfig } from '../../vitest.shared.js';

export default defineConfig(adVitestConfig);
