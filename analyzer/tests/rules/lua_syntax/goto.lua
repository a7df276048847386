-- x
goto done
::done::
return 1
