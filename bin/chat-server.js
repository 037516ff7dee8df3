#!/usr/bin/env node
import {main} from '../build/source/cli/server.js';

process.exit(await main());
