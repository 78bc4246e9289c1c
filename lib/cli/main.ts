#!/usr/bin/env node
console.log("rnnkit");
