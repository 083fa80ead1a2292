import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MessageJson } from '../http/http.presenter';
import { ApiDatabaseUnavailable, ApiErrors } from '../http/openapi';
import { ApiIdParam, ParseIdPipe } from '../http/validation';
import { CreateWorkoutDto } from './dto/create-workout.dto';
import { UpdateWorkoutDto } from './dto/update-workout.dto';
import { WorkoutJson, WorkoutListJson } from './workout.presenter';
import { WorkoutsService } from './workouts.service';

@ApiTags('workouts')
@ApiDatabaseUnavailable()
@Controller('workouts')
export class WorkoutsController {
  constructor(private readonly workouts: WorkoutsService) {}

  @Get()
  @ApiOperation({ summary: 'Every workout, with its selection' })
  @ApiOkResponse({ type: WorkoutListJson })
  list() {
    return this.workouts.list();
  }

  @Get(':id')
  @ApiIdParam('id')
  @ApiOkResponse({ type: WorkoutJson })
  @ApiErrors(400, 404)
  get(@Param('id', ParseIdPipe) id: number) {
    return this.workouts.get(id);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'A custom workout',
    description: 'A non-empty timeOfDay or workoutLocation also creates its selection.',
  })
  @ApiCreatedResponse({ type: WorkoutJson })
  @ApiErrors(400, 413, 415)
  create(@Body() body: CreateWorkoutDto) {
    return this.workouts.create(body);
  }

  @Put(':id')
  @ApiIdParam('id')
  @ApiOperation({
    summary: 'Changes the fields present in the body',
    description: 'timeOfDay and workoutLocation are written to the selection (created if missing).',
  })
  @ApiOkResponse({ type: WorkoutJson })
  @ApiErrors(400, 404, 413, 415)
  update(@Param('id', ParseIdPipe) id: number, @Body() body: UpdateWorkoutDto) {
    return this.workouts.update(id, body);
  }

  @Delete(':id')
  @ApiIdParam('id')
  @ApiOperation({ summary: 'Deletes the workout and its selection' })
  @ApiOkResponse({ type: MessageJson })
  @ApiErrors(400, 404)
  async delete(@Param('id', ParseIdPipe) id: number): Promise<MessageJson> {
    await this.workouts.delete(id);
    return { message: 'Workout deleted' };
  }
}
