#!/usr/bin/env node
import {main} from '../build/source/cli/chat.js';

process.exit(await main());
