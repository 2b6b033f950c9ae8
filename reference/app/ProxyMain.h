// mailwire-proxy's main: the command line, the startup log, -t / -s, then the master or the single process.
#pragma once

namespace mailwire::app {

int proxyMain(int argc, char** argv);

}  // namespace mailwire::app
