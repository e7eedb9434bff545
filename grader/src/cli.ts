console.error("bertlab-grader: no commands are built yet");
process.exitCode = 2;
